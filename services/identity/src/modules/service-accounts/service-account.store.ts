import type { EntityManager } from 'typeorm';
import { CREATED_AT_ID, cursorInstant, keysetPage, type PageArgs } from '@commonhold/kit';
import type { Scope } from '../../shared/scope-rules';

export interface ServiceAccountRow {
  id: string;
  name: string;
  roles: string[];
  scope: Scope;
  createdBy: string;
  createdAt: Date;
}
export interface ApiKeyRow {
  id: string;
  serviceAccountId: string;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}
const toAccount = (r: Record<string, any>): ServiceAccountRow => ({ id: r.id, name: r.name, roles: r.roles, scope: r.scope, createdBy: r.created_by, createdAt: r.created_at });
const toKey = (r: Record<string, any>): ApiKeyRow => ({ id: r.id, serviceAccountId: r.service_account_id, expiresAt: r.expires_at, revokedAt: r.revoked_at, lastUsedAt: r.last_used_at, createdAt: r.created_at });
const KEY_COLUMNS = 'id, service_account_id, expires_at, revoked_at, last_used_at, created_at';

/** Reads and writes of service accounts and their API keys (hashes only); tenantId first. */
export async function insertAccount(m: EntityManager, tenantId: string, a: Omit<ServiceAccountRow, 'createdAt'>): Promise<void> {
  await m.query('INSERT INTO service_accounts (id, tenant_id, name, roles, scope, created_by) VALUES ($1, $2, $3, $4, $5::jsonb, $6)', [a.id, tenantId, a.name, a.roles, JSON.stringify(a.scope), a.createdBy]);
}

export async function findAccount(m: EntityManager, tenantId: string, id: string): Promise<ServiceAccountRow | null> {
  const [r] = await m.query('SELECT id, name, roles, scope, created_by, created_at FROM service_accounts WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return r ? toAccount(r) : null;
}

export async function accountNamed(m: EntityManager, tenantId: string, name: string): Promise<boolean> {
  return (await m.query('SELECT 1 FROM service_accounts WHERE tenant_id = $1 AND name = $2', [tenantId, name])).length > 0;
}

export function pageAccounts(m: EntityManager, tenantId: string, args: PageArgs) {
  return keysetPage<ServiceAccountRow>(args, { shape: CREATED_AT_ID, cursorOf: (r) => [cursorInstant(r.createdAt), r.id] }, async ({ after, take }) =>
    (
      await m.query(
        `SELECT id, name, roles, scope, created_by, created_at FROM service_accounts WHERE tenant_id = $1 ${after ? 'AND (created_at, id) < ($3, $4)' : ''} ORDER BY created_at DESC, id DESC LIMIT $2`,
        after ? [tenantId, take, after[0], after[1]] : [tenantId, take],
      )
    ).map(toAccount),
  );
}

export async function insertApiKey(m: EntityManager, tenantId: string, k: { id: string; serviceAccountId: string; keyHash: string; expiresAt: Date; createdBy: string }): Promise<void> {
  await m.query('INSERT INTO api_keys (id, tenant_id, service_account_id, key_hash, expires_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)', [k.id, tenantId, k.serviceAccountId, k.keyHash, k.expiresAt, k.createdBy]);
}

export async function findApiKey(m: EntityManager, tenantId: string, id: string): Promise<ApiKeyRow | null> {
  const [r] = await m.query(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return r ? toKey(r) : null;
}

export async function accountKeys(m: EntityManager, tenantId: string, accountId: string): Promise<ApiKeyRow[]> {
  return (await m.query(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant_id = $1 AND service_account_id = $2 ORDER BY created_at DESC LIMIT 100`, [tenantId, accountId])).map(toKey);
}

/** The live key with this hash, its use recorded; null when unknown, revoked or expired. */
export async function useApiKey(m: EntityManager, tenantId: string, keyHash: string): Promise<{ serviceAccountId: string } | null> {
  const [rows] = await m.query(
    `UPDATE api_keys SET last_used_at = now() WHERE tenant_id = $1 AND key_hash = $2 AND revoked_at IS NULL AND expires_at > now() RETURNING service_account_id`,
    [tenantId, keyHash],
  );
  return rows?.[0] ? { serviceAccountId: rows[0].service_account_id } : null;
}

export async function revokeApiKey(m: EntityManager, tenantId: string, id: string): Promise<ApiKeyRow | null> {
  const [rows] = await m.query(`UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = $1 AND id = $2 RETURNING ${KEY_COLUMNS}`, [tenantId, id]);
  return rows?.[0] ? toKey(rows[0]) : null;
}
