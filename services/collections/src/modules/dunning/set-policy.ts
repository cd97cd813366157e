import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, badInput, idempotent, writeAudit } from '@commonhold/kit';
import { loadApartment, loadBuilding, type Command } from '../buildings';
import { POLICY_SCOPES, validatePolicy, type PolicyDocument } from './policy';
import { currentVersion, insertVersion, type ScopeRef } from './dunning.store';

/** The scope a command names, checked against the tenant's buildings and apartments. */
export async function resolveScope(m: EntityManager, tenantId: string, input: Record<string, unknown>): Promise<ScopeRef> {
  const scope = typeof input.scope === 'string' ? input.scope.toLowerCase() : input.scope;
  if (!POLICY_SCOPES.includes(scope as never)) throw badInput('input.scope', 'scope must be one of TENANT, BUILDING, APARTMENT');
  if (scope === 'tenant') {
    if (input.buildingId != null || input.apartmentId != null) throw badInput('input.scope', 'a TENANT policy names no building or apartment');
    return { scope: 'tenant', buildingId: null, apartmentId: null };
  }
  if (scope === 'building') {
    if (input.apartmentId != null) throw badInput('input.apartmentId', 'a BUILDING policy names no apartment');
    const b = await loadBuilding(m, tenantId, input.buildingId, 'input.buildingId');
    return { scope: 'building', buildingId: b.id, apartmentId: null };
  }
  const a = await loadApartment(m, tenantId, input.apartmentId, 'input.apartmentId');
  return { scope: 'apartment', buildingId: a.buildingId, apartmentId: a.id };
}

async function appendVersion(m: EntityManager, cmd: Command<Record<string, unknown>>, s: ScopeRef, document: PolicyDocument | null, action: string): Promise<string> {
  const { tenantId } = cmd;
  // Versions of one scope are numbered one at a time.
  await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`${tenantId}:dunning:${s.scope}:${s.apartmentId ?? s.buildingId ?? ''}`]);
  const current = await currentVersion(m, tenantId, s);
  if (document === null && !current?.document) throw new AppError('CONFLICT', 'There is no override to remove', { field: 'input.scope' });
  const id = randomUUID();
  const version = (current?.version ?? 0) + 1;
  await insertVersion(m, tenantId, { ...s, id, version, document, createdBy: cmd.actor });
  await writeAudit(m, { tenantId, actor: cmd.actor, action, entityType: 'dunning-policy', entityId: id, before: current?.document ?? undefined, after: { ...s, version, document } });
  return id;
}

/** Saves a policy as a new version of its scope (tenant default, building or apartment override). */
export function setDunningPolicy(m: EntityManager, cmd: Command<Record<string, unknown>>): Promise<string> {
  return idempotent(m, cmd.tenantId, 'setDunningPolicy', cmd.input, async () => {
    const s = await resolveScope(m, cmd.tenantId, cmd.input);
    const document = validatePolicy(cmd.input as { steps?: unknown; lateFees?: unknown });
    return appendVersion(m, cmd, s, document, 'dunning-policy.versioned');
  });
}

/** Removes a building or apartment override (a new version without a document); the tenant default can only be replaced. */
export function removeDunningPolicyOverride(m: EntityManager, cmd: Command<Record<string, unknown>>): Promise<string> {
  return idempotent(m, cmd.tenantId, 'removeDunningPolicyOverride', cmd.input, async () => {
    const s = await resolveScope(m, cmd.tenantId, cmd.input);
    if (s.scope === 'tenant') throw badInput('input.scope', 'the tenant default cannot be removed, only replaced');
    return appendVersion(m, cmd, s, null, 'dunning-policy.override-removed');
  });
}
