import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { badInput, forbidden, idempotent, isUuid, notFound, oneOf, scopeAllows, writeAudit, type AccessScope } from '@commonhold/kit';
import { CREDENTIAL_STATUSES, parseDay, parseSla, parseTrades, parseVendorName, TRADE_PATTERN } from './vendor';
import { findVendor, insertVendor, updateVendorRow, upsertCredential } from './vendor.store';

/** Who acts: the tenant first, the actor, and the caller's scope for clear FORBIDDEN errors before RLS. */
export interface Actor {
  tenantId: string;
  actor: string;
  scope: AccessScope;
}

export type Command<I> = Actor & { input: I };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const email = (field: string, v: unknown): string | null => {
  if (v == null || v === '') return null;
  if (typeof v !== 'string' || v.length > 254 || !EMAIL.test(v)) throw badInput(field, 'email must be an e-mail address');
  return v.toLowerCase();
};

function buildingIds(field: string, v: unknown, scope: AccessScope): string[] {
  if (!Array.isArray(v) || v.length > 500) throw badInput(field, 'buildingIds must list at most 500 building ids');
  v.forEach((id, i) => {
    if (!isUuid(id)) throw badInput(`${field}.${i}`, 'a building id is a uuid');
    // A building manager may only name its own buildings (RLS would refuse the row anyway).
    if (!scope.global && !scopeAllows(scope, { buildingId: id })) throw forbidden(`Building ${id} is outside your scope`);
  });
  return [...new Set((v as string[]).map((id) => id.toLowerCase()))];
}

/** Creates a vendor profile: trades, buildings served, SLA terms. */
export function createVendor(m: EntityManager, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createVendor', input, async () => {
    const v = {
      id: randomUUID(),
      name: parseVendorName('input.name', input.name),
      email: email('input.email', input.email),
      trades: parseTrades('input.trades', input.trades),
      buildingIds: buildingIds('input.buildingIds', input.buildingIds, cmd.scope),
      ...parseSla('input.sla', input.sla),
      createdBy: cmd.actor,
    };
    if (!cmd.scope.global && !v.buildingIds.length) throw badInput('input.buildingIds', 'name at least one of your buildings');
    await insertVendor(m, tenantId, v);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'vendor.created', entityType: 'vendor', entityId: v.id, after: v });
    return v.id;
  });
}

/** Changes a vendor's profile; absent fields keep their value. */
export function updateVendor(m: EntityManager, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'updateVendor', input, async () => {
    const cur = isUuid(input.id) ? await findVendor(m, tenantId, input.id, { lock: true }) : null;
    if (!cur) throw notFound('input.id', 'No such vendor');
    if (input.active != null && typeof input.active !== 'boolean') throw badInput('input.active', 'active must be true or false');
    const next = {
      name: input.name == null ? cur.name : parseVendorName('input.name', input.name),
      email: input.email === undefined ? cur.email : email('input.email', input.email),
      trades: input.trades == null ? cur.trades : parseTrades('input.trades', input.trades),
      buildingIds: input.buildingIds == null ? cur.building_ids : buildingIds('input.buildingIds', input.buildingIds, cmd.scope),
      ...(input.sla == null ? { responseHours: cur.response_hours, completionDays: cur.completion_days } : parseSla('input.sla', input.sla)),
      active: input.active ?? cur.active,
    };
    await updateVendorRow(m, tenantId, cur.id, next);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'vendor.updated', entityType: 'vendor', entityId: cur.id, before: cur, after: next });
    return cur.id;
  });
}

/** Records the vendor's credential of a kind (insurance, gas-safe, …) with its status and expiry. */
export function recordCredential(m: EntityManager, cmd: Command<Record<string, any>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'recordVendorCredential', input, async () => {
    const vendor = isUuid(input.vendorId) ? await findVendor(m, tenantId, input.vendorId, { lock: true }) : null;
    if (!vendor) throw notFound('input.vendorId', 'No such vendor');
    if (typeof input.kind !== 'string' || !TRADE_PATTERN.test(input.kind)) throw badInput('input.kind', 'kind is lower-case letters, digits and dashes, e.g. public-liability-insurance');
    const status = oneOf('input.status', CREDENTIAL_STATUSES, typeof input.status === 'string' ? input.status.toLowerCase() : input.status);
    const expiresOn = input.expiresOn == null ? null : parseDay('input.expiresOn', input.expiresOn);
    if (input.reference != null && (typeof input.reference !== 'string' || input.reference.length > 200)) throw badInput('input.reference', 'reference must be at most 200 characters');
    const c = { id: randomUUID(), vendorId: vendor.id, kind: input.kind, status, expiresOn, reference: input.reference ?? null };
    await upsertCredential(m, tenantId, c);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'vendor.credential-recorded', entityType: 'vendor', entityId: vendor.id, after: c });
    return vendor.id;
  });
}
