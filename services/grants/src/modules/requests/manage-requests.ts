import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { badInput, idempotent, isUuid, notFound, oneOf, parseMoney, requiredText, writeAudit } from '@commonhold/kit';
import { checkAwardable, checkClosable, checkStatusMove, checkTerm, fundCode, INITIAL_STATUSES, optionalDate, REQUEST_STATUSES, type RequestStatus } from './request';
import { findRequest, insertRequest, requirementStates, updateRequest, type RequestRow } from './request.store';

interface Command<I> {
  tenantId: string;
  actor: string;
  input: I;
  now?: Date;
}

/** Loads a request of the caller's tenant (locked), or NOT_FOUND naming `input.requestId`. */
export async function mustFindRequest(m: EntityManager, tenantId: string, id: unknown, field = 'input.requestId'): Promise<RequestRow> {
  const r = isUuid(id) ? await findRequest(m, tenantId, id as string, { lock: true }) : null;
  if (!r) throw notFound(field, `No grant request ${String(id)}`);
  return r;
}

export interface CreateRequestInput {
  name?: unknown;
  funderContactId?: unknown;
  opportunityId?: unknown;
  fundCode?: unknown;
  requested?: unknown;
  status?: unknown;
  startDate?: unknown;
  endDate?: unknown;
  idempotencyKey: string;
}

/** Records an application to a funder (a fundraising organisation contact) for an amount, optionally linked to a GRANT opportunity and a fund. */
export function createRequest(m: EntityManager, cmd: Command<CreateRequestInput>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createGrantRequest', input as unknown as Record<string, unknown>, async () => {
    const name = requiredText('input.name', input.name, 200);
    if (!isUuid(input.funderContactId)) throw badInput('input.funderContactId', 'funderContactId is the id of a fundraising Contact (an organisation)');
    if (input.opportunityId != null && !isUuid(input.opportunityId)) throw badInput('input.opportunityId', 'opportunityId is the id of a fundraising opportunity of type GRANT');
    const requested = parseMoney('input.requested', input.requested);
    const status = oneOf('input.status', INITIAL_STATUSES as RequestStatus[], input.status, 'IN_PROGRESS');
    const startDate = optionalDate('input.startDate', input.startDate);
    const endDate = optionalDate('input.endDate', input.endDate);
    checkTerm(startDate, endDate);
    const id = randomUUID();
    const row = {
      id,
      tenantId,
      name,
      funderContactId: input.funderContactId as string,
      opportunityId: (input.opportunityId as string | null) ?? null,
      fundCode: fundCode(input.fundCode),
      status,
      currency: requested.currency,
      requestedMinor: requested.amountMinor,
      startDate,
      endDate,
      renewalOfId: null,
    };
    await insertRequest(m, row, cmd.now ?? new Date());
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'grant-request.created', entityType: 'GrantRequest', entityId: id, after: { ...row, requested } });
    return id;
  });
}

/** Moves a request along the OFM pipeline (not to AWARDED, FULLY_DISBURSED or CLOSED: those have their own use cases). */
export function setRequestStatus(m: EntityManager, cmd: Command<{ requestId?: unknown; status?: unknown; idempotencyKey: string }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'setGrantRequestStatus', input as unknown as Record<string, unknown>, async () => {
    const to = oneOf('input.status', REQUEST_STATUSES, input.status);
    const r = await mustFindRequest(m, tenantId, input.requestId);
    checkStatusMove(r.status, to);
    await updateRequest(m, tenantId, r.id, { status: to }, cmd.now ?? new Date());
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'grant-request.status-changed', entityType: 'GrantRequest', entityId: r.id, before: { status: r.status }, after: { status: to } });
    return r.id;
  });
}

/** The funder's award: the awarded amount (in the request's currency), the day, and the grant term. A financial decision: audited. */
export function awardRequest(
  m: EntityManager,
  cmd: Command<{ requestId?: unknown; awarded?: unknown; awardedOn?: unknown; startDate?: unknown; endDate?: unknown; idempotencyKey: string }>,
): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'awardGrantRequest', input as unknown as Record<string, unknown>, async () => {
    const now = cmd.now ?? new Date();
    const awarded = parseMoney('input.awarded', input.awarded);
    const awardedOn = optionalDate('input.awardedOn', input.awardedOn) ?? now.toISOString().slice(0, 10);
    if (awardedOn > now.toISOString().slice(0, 10)) throw badInput('input.awardedOn', 'awardedOn must not be in the future');
    const r = await mustFindRequest(m, tenantId, input.requestId);
    if (awarded.currency !== r.currency) throw badInput('input.awarded.currency', `The request is in ${r.currency}`);
    const startDate = optionalDate('input.startDate', input.startDate) ?? r.startDate;
    const endDate = optionalDate('input.endDate', input.endDate) ?? r.endDate;
    checkTerm(startDate, endDate);
    checkAwardable(r.status);
    await updateRequest(m, tenantId, r.id, { status: 'AWARDED', awardedMinor: awarded.amountMinor, awardedOn, startDate, endDate }, now);
    await writeAudit(m, {
      tenantId,
      actor: cmd.actor,
      action: 'grant-request.awarded',
      entityType: 'GrantRequest',
      entityId: r.id,
      before: { status: r.status },
      after: { status: 'AWARDED', awarded, awardedOn, startDate, endDate },
    });
    return r.id;
  });
}

/** Closes an awarded grant once its final report is approved (CONFLICT with reason FINAL_REPORT_PENDING otherwise). */
export function closeRequest(m: EntityManager, cmd: Command<{ requestId?: unknown; idempotencyKey: string }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'closeGrantRequest', input as unknown as Record<string, unknown>, async () => {
    const r = await mustFindRequest(m, tenantId, input.requestId);
    checkClosable(r.status, await requirementStates(m, tenantId, r.id));
    const now = cmd.now ?? new Date();
    await updateRequest(m, tenantId, r.id, { status: 'CLOSED', closedAt: now }, now);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'grant-request.closed', entityType: 'GrantRequest', entityId: r.id, before: { status: r.status }, after: { status: 'CLOSED' } });
    return r.id;
  });
}

/**
 * The renewal nudge's effect: a draft application (IN_PROGRESS) to the same funder for the same
 * amount and fund, linked to the grant it renews. Once per grant (a unique index); returns the
 * existing draft when there is one.
 */
export async function createRenewalDraft(m: EntityManager, tenantId: string, grant: RequestRow, actor: string, now = new Date()): Promise<{ id: string; created: boolean }> {
  const [existing] = await m.query(`SELECT id FROM grant_requests WHERE tenant_id = $1 AND renewal_of_id = $2`, [tenantId, grant.id]);
  if (existing) return { id: existing.id, created: false };
  const id = randomUUID();
  const row = {
    id,
    tenantId,
    name: `${grant.name} (renewal)`.slice(0, 200),
    funderContactId: grant.funderContactId,
    opportunityId: null,
    fundCode: grant.fundCode,
    status: 'IN_PROGRESS' as const,
    currency: grant.currency,
    requestedMinor: grant.awardedMinor ?? grant.requestedMinor,
    startDate: null,
    endDate: null,
    renewalOfId: grant.id,
  };
  await insertRequest(m, row, now);
  await writeAudit(m, { tenantId, actor, action: 'grant-request.renewal-drafted', entityType: 'GrantRequest', entityId: id, after: { renewalOf: grant.id, requestedMinor: row.requestedMinor, currency: row.currency } });
  return { id, created: true };
}
