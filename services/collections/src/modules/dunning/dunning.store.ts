import type { EntityManager } from 'typeorm';
import { keysetPage, type PageArgs } from '@commonhold/kit';
import type { PolicyDocument, PolicyScope, StoredPolicy } from './policy';

/** Policy versions; row-level security scopes every query to the caller's tenant. */

export interface PolicyRow extends StoredPolicy {
  buildingId: string | null;
  apartmentId: string | null;
  createdBy: string;
  createdAt: Date;
}

const COLUMNS = `id, scope, building_id AS "buildingId", apartment_id AS "apartmentId", COALESCE(apartment_id, building_id) AS "scopeId", version, document,
  created_by AS "createdBy", created_at AS "createdAt"`;

export interface ScopeRef {
  scope: PolicyScope;
  buildingId: string | null;
  apartmentId: string | null;
}

const scopeWhere = `tenant_id = $1 AND scope = $2 AND building_id IS NOT DISTINCT FROM $3 AND apartment_id IS NOT DISTINCT FROM $4`;

export async function currentVersion(m: EntityManager, tenantId: string, s: ScopeRef): Promise<PolicyRow | null> {
  return (await m.query(`SELECT ${COLUMNS} FROM dunning_policies WHERE ${scopeWhere} ORDER BY version DESC LIMIT 1`, [tenantId, s.scope, s.buildingId, s.apartmentId]))[0] ?? null;
}

export async function insertVersion(m: EntityManager, tenantId: string, row: ScopeRef & { id: string; version: number; document: PolicyDocument | null; createdBy: string }): Promise<void> {
  await m.query(
    `INSERT INTO dunning_policies (id, tenant_id, scope, building_id, apartment_id, version, document, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
    [row.id, tenantId, row.scope, row.buildingId, row.apartmentId, row.version, row.document === null ? null : JSON.stringify(row.document), row.createdBy],
  );
}

export async function findPolicy(m: EntityManager, tenantId: string, id: string): Promise<PolicyRow | null> {
  return (await m.query(`SELECT ${COLUMNS} FROM dunning_policies WHERE tenant_id = $1 AND id = $2`, [tenantId, id]))[0] ?? null;
}

/** The latest version of the tenant default and of the building's and apartment's overrides. */
export async function candidatePolicies(m: EntityManager, tenantId: string, buildingId: string, apartmentId: string): Promise<PolicyRow[]> {
  return m.query(
    `SELECT DISTINCT ON (scope) ${COLUMNS} FROM dunning_policies
     WHERE tenant_id = $1 AND (scope = 'tenant' OR (scope = 'building' AND building_id = $2) OR (scope = 'apartment' AND apartment_id = $3))
     ORDER BY scope, version DESC`,
    [tenantId, buildingId, apartmentId],
  );
}

/** The latest version of every policy scope of the tenant (a run's batch: `effectivePolicy` picks per apartment). */
export async function latestPolicies(m: EntityManager, tenantId: string): Promise<PolicyRow[]> {
  return m.query(
    `SELECT DISTINCT ON (scope, building_id, apartment_id) ${COLUMNS} FROM dunning_policies WHERE tenant_id = $1 ORDER BY scope, building_id, apartment_id, version DESC`,
    [tenantId],
  );
}

export function pageVersions(m: EntityManager, tenantId: string, s: ScopeRef, args: PageArgs) {
  return keysetPage<PolicyRow>(args, { shape: ['int'], cursorOf: (r) => [r.version] }, ({ after, take }) =>
    m.query(`SELECT ${COLUMNS} FROM dunning_policies WHERE ${scopeWhere} AND ($5::int IS NULL OR version < $5) ORDER BY version DESC LIMIT $6`, [
      tenantId,
      s.scope,
      s.buildingId,
      s.apartmentId,
      after?.[0] ?? null,
      take,
    ]),
  );
}
