import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { idempotent, isUuid, notFound, writeAudit } from '@commonhold/kit';
import type { Command } from '../vendors';
import { findWorkOrder } from '../work-orders';
import type { PublicLinkIssuer } from './identity-links';
import { assertLinkable, linkExpiry, linkHours, LINK_MAX_USES, WORK_ORDER_LINK_PURPOSE } from './work-order-link';
import { findLink, insertLink, markRevoked, type WorkOrderLinkRow } from './work-order-link.store';

/** identity, and the caller's own Authorization header to ask it with. */
export interface LinkDeps {
  issuer: PublicLinkIssuer;
  authorization: string;
}

/** The request identity gets for a recorded link: the same terms every time, so identity replays it. */
const requestFor = (l: Pick<WorkOrderLinkRow, 'work_order_id' | 'building_id' | 'expires_at' | 'identity_key'>) => ({
  purpose: WORK_ORDER_LINK_PURPOSE,
  subjectId: l.work_order_id,
  // The office's building: within a building manager's own scope, so identity lets them sign it.
  scope: [`building:${l.building_id}`],
  expiresAt: new Date(l.expires_at).toISOString(),
  maxUses: LINK_MAX_USES,
  idempotencyKey: l.identity_key,
});

/**
 * Issues a signed single-purpose link for one work order of one tenant (purpose work_order_access,
 * subject = the work order), minted by identity as the calling office user, and records which vendor
 * it acts for. A replay answers the same link and the same token (identity signs deterministically).
 */
export async function issueWorkOrderLink(m: EntityManager, deps: LinkDeps, cmd: Command<Record<string, any>>): Promise<{ link: WorkOrderLinkRow; token: string }> {
  const { tenantId, input } = cmd;
  let token: string | undefined;
  const linkId = await idempotent(m, tenantId, 'issueWorkOrderLink', input, async () => {
    const hours = linkHours('input.expiresInHours', input.expiresInHours);
    const w = isUuid(input.workOrderId) ? await findWorkOrder(m, tenantId, input.workOrderId, { lock: true }) : null;
    if (!w) throw notFound('input.workOrderId', 'No such work order');
    assertLinkable('input.workOrderId', w);
    const expiresAt = linkExpiry(new Date(), hours);
    // One identity key per (caller's key, expiry): a retried transaction asks identity again without a fingerprint clash.
    const identityKey = `work-order-link:${createHash('sha256').update(`${input.idempotencyKey}|${w.id}|${expiresAt.toISOString()}`).digest('hex')}`;
    const terms = { work_order_id: w.id, building_id: w.building_id, expires_at: expiresAt, identity_key: identityKey };
    const made = await deps.issuer.create(deps.authorization, requestFor(terms));
    token = made.token;
    await insertLink(m, tenantId, { id: made.linkId, workOrderId: w.id, buildingId: w.building_id, vendorId: w.vendor_id!, expiresAt, identityKey, createdBy: cmd.actor });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'work-order.link-issued', entityType: 'work-order', entityId: w.id, after: { linkId: made.linkId, vendorId: w.vendor_id, expiresAt } });
    return made.linkId;
  });
  const link = (await findLink(m, tenantId, linkId))!;
  // A replay: identity answers its stored link for the same request, signed again (the token is never stored here).
  token ??= (await deps.issuer.create(deps.authorization, requestFor(link))).token;
  return { link, token };
}

/** Revokes a work-order link at identity and here; later calls through it are refused (UNAUTHENTICATED, reason revoked). */
export function revokeWorkOrderLink(m: EntityManager, deps: LinkDeps, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'revokeWorkOrderLink', input, async () => {
    const link = isUuid(input.linkId) ? await findLink(m, tenantId, input.linkId, { lock: true }) : null;
    if (!link) throw notFound('input.linkId', 'No such work-order link');
    if (!link.revoked_at) {
      await deps.issuer.revoke(deps.authorization, { linkId: link.id, idempotencyKey: `work-order-link-revoke:${link.id}` });
      await markRevoked(m, tenantId, link.id, cmd.actor);
      await writeAudit(m, { tenantId, actor: cmd.actor, action: 'work-order.link-revoked', entityType: 'work-order', entityId: link.work_order_id, before: { linkId: link.id, revokedAt: null }, after: { linkId: link.id, revoked: true } });
    }
    return link.id;
  });
}
