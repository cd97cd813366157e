import type { EntityManager } from 'typeorm';
import { CREATED_AT_ID, cursorInstant, keysetPage, type PageArgs } from '@commonhold/kit';
import type { Role, Scope } from './membership';

export interface UserRow {
  id: string;
  tenantId: string;
  email: string;
  displayName: string;
  passwordHash: string | null;
  status: 'invited' | 'active' | 'disabled';
  createdAt: Date;
}
export interface MembershipRow {
  roles: Role[];
  scope: Scope;
}

const USER_COLUMNS = 'id, tenant_id, email, display_name, password_hash, status, created_at';
const toUser = (r: Record<string, any>): UserRow => ({
  id: r.id,
  tenantId: r.tenant_id,
  email: r.email,
  displayName: r.display_name,
  passwordHash: r.password_hash,
  status: r.status,
  createdAt: r.created_at,
});

/** Reads and writes of tenants, users and memberships; tenantId first, RLS fences the rest. */
export async function ensureTenant(m: EntityManager, tenantId: string, name: string): Promise<void> {
  await m.query('INSERT INTO tenants (tenant_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tenantId, name]);
}

export async function findUserByEmail(m: EntityManager, tenantId: string, email: string): Promise<UserRow | null> {
  const [r] = await m.query(`SELECT ${USER_COLUMNS} FROM users WHERE tenant_id = $1 AND email = $2`, [tenantId, email]);
  return r ? toUser(r) : null;
}

export async function findUser(m: EntityManager, tenantId: string, id: string): Promise<UserRow | null> {
  const [r] = await m.query(`SELECT ${USER_COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return r ? toUser(r) : null;
}

export async function insertUser(m: EntityManager, tenantId: string, u: Pick<UserRow, 'id' | 'email' | 'displayName' | 'passwordHash' | 'status'>): Promise<void> {
  await m.query('INSERT INTO users (id, tenant_id, email, display_name, password_hash, status) VALUES ($1, $2, $3, $4, $5, $6)', [u.id, tenantId, u.email, u.displayName, u.passwordHash, u.status]);
}

export async function setPassword(m: EntityManager, tenantId: string, userId: string, passwordHash: string): Promise<void> {
  await m.query(`UPDATE users SET password_hash = $3, status = 'active' WHERE tenant_id = $1 AND id = $2`, [tenantId, userId, passwordHash]);
}

export async function findMembership(m: EntityManager, tenantId: string, userId: string): Promise<MembershipRow | null> {
  const [r] = await m.query('SELECT roles, scope FROM memberships WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
  return r ? { roles: r.roles, scope: r.scope } : null;
}

export async function upsertMembership(m: EntityManager, tenantId: string, userId: string, ms: MembershipRow): Promise<void> {
  await m.query(
    `INSERT INTO memberships (tenant_id, user_id, roles, scope) VALUES ($1, $2, $3, $4::jsonb)
     ON CONFLICT (tenant_id, user_id) DO UPDATE SET roles = EXCLUDED.roles, scope = EXCLUDED.scope, updated_at = now()`,
    [tenantId, userId, ms.roles, JSON.stringify(ms.scope)],
  );
}

export function pageUsers(m: EntityManager, tenantId: string, args: PageArgs) {
  return keysetPage<UserRow>(args, { shape: CREATED_AT_ID, cursorOf: (r) => [cursorInstant(r.createdAt), r.id] }, async ({ after, take }) =>
    (
      await m.query(
        `SELECT ${USER_COLUMNS} FROM users WHERE tenant_id = $1 ${after ? 'AND (created_at, id) < ($3, $4)' : ''} ORDER BY created_at DESC, id DESC LIMIT $2`,
        after ? [tenantId, take, after[0], after[1]] : [tenantId, take],
      )
    ).map(toUser),
  );
}
