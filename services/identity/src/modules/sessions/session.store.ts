import type { EntityManager } from 'typeorm';
import { CREATED_AT_ID, cursorInstant, keysetPage, type PageArgs } from '@commonhold/kit';

export interface SessionRow {
  id: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
  userAgent: string | null;
  ip: string | null;
}
const SESSION_COLUMNS = 'id, user_id, created_at, last_used_at, expires_at, revoked_at, revoked_reason, user_agent, ip';
const toSession = (r: Record<string, any>): SessionRow => ({
  id: r.id,
  userId: r.user_id,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  revokedReason: r.revoked_reason,
  userAgent: r.user_agent,
  ip: r.ip,
});

/** Reads and writes of sessions (refresh-token families), their tokens and security events. */
export async function insertSession(m: EntityManager, tenantId: string, s: Pick<SessionRow, 'id' | 'userId' | 'expiresAt' | 'userAgent' | 'ip'>): Promise<void> {
  await m.query('INSERT INTO sessions (id, tenant_id, user_id, expires_at, user_agent, ip) VALUES ($1, $2, $3, $4, $5, $6)', [s.id, tenantId, s.userId, s.expiresAt, s.userAgent, s.ip]);
}

export async function findSession(m: EntityManager, tenantId: string, id: string): Promise<SessionRow | null> {
  const [r] = await m.query(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return r ? toSession(r) : null;
}

export async function insertRefreshToken(m: EntityManager, tenantId: string, hash: string, sessionId: string): Promise<void> {
  await m.query('INSERT INTO refresh_tokens (token_hash, tenant_id, session_id) VALUES ($1, $2, $3)', [hash, tenantId, sessionId]);
  await m.query('UPDATE sessions SET last_used_at = now() WHERE tenant_id = $1 AND id = $2', [tenantId, sessionId]);
}

/** The token's row, locked: two refreshes racing on one token are serialised (the second sees it retired). */
export async function lockRefreshToken(m: EntityManager, tenantId: string, hash: string): Promise<{ sessionId: string; retiredAt: Date | null } | null> {
  const [r] = await m.query('SELECT session_id, retired_at FROM refresh_tokens WHERE tenant_id = $1 AND token_hash = $2 FOR UPDATE', [tenantId, hash]);
  return r ? { sessionId: r.session_id, retiredAt: r.retired_at } : null;
}

export async function retireRefreshToken(m: EntityManager, tenantId: string, hash: string): Promise<void> {
  await m.query('UPDATE refresh_tokens SET retired_at = now() WHERE tenant_id = $1 AND token_hash = $2 AND retired_at IS NULL', [tenantId, hash]);
}

/** Revokes sessions (all of a user's, or one) and retires every refresh token they hold. Returns the ids revoked now. */
export async function revokeSessions(m: EntityManager, tenantId: string, where: { userId: string; sessionId?: string }, reason: string): Promise<string[]> {
  const [rows] = await m.query(
    `UPDATE sessions SET revoked_at = now(), revoked_reason = $4
     WHERE tenant_id = $1 AND user_id = $2 AND ($3::uuid IS NULL OR id = $3) AND revoked_at IS NULL RETURNING id`,
    [tenantId, where.userId, where.sessionId ?? null, reason],
  );
  const ids = (rows as { id: string }[]).map((r) => r.id);
  if (ids.length) await m.query('UPDATE refresh_tokens SET retired_at = now() WHERE tenant_id = $1 AND session_id = ANY($2::uuid[]) AND retired_at IS NULL', [tenantId, ids]);
  return ids;
}

export function pageSessions(m: EntityManager, tenantId: string, userId: string, args: PageArgs) {
  return keysetPage<SessionRow>(args, { shape: CREATED_AT_ID, cursorOf: (r) => [cursorInstant(r.createdAt), r.id] }, async ({ after, take }) =>
    (
      await m.query(
        `SELECT ${SESSION_COLUMNS} FROM sessions WHERE tenant_id = $1 AND user_id = $2 ${after ? 'AND (created_at, id) < ($4, $5)' : ''} ORDER BY created_at DESC, id DESC LIMIT $3`,
        after ? [tenantId, userId, take, after[0], after[1]] : [tenantId, userId, take],
      )
    ).map(toSession),
  );
}

export type SecurityEventKind = 'login_failed' | 'login_locked' | 'refresh_reuse' | 'session_revoked' | 'logout_everywhere' | 'password_set' | 'mfa_failed' | 'mfa_locked' | 'mfa_enrolled';

export async function recordSecurityEvent(m: EntityManager, tenantId: string, e: { kind: SecurityEventKind; userId?: string | null; sessionId?: string | null; ip?: string | null; detail?: unknown }): Promise<void> {
  await m.query('INSERT INTO security_events (tenant_id, kind, user_id, session_id, ip, detail) VALUES ($1, $2, $3, $4, $5, $6::jsonb)', [
    tenantId,
    e.kind,
    e.userId ?? null,
    e.sessionId ?? null,
    e.ip ?? null,
    e.detail === undefined ? null : JSON.stringify(e.detail),
  ]);
}

export interface SecurityEventRow {
  id: number;
  kind: string;
  userId: string | null;
  sessionId: string | null;
  ip: string | null;
  at: Date;
}

/** The tenant's security events, newest first, keyset-paged on (at, id). */
export function pageSecurityEvents(m: EntityManager, tenantId: string, args: PageArgs) {
  return keysetPage<SecurityEventRow>(args, { shape: ['instant', 'int'], cursorOf: (r) => [cursorInstant(r.at), r.id] }, async ({ after, take }) =>
    (
      await m.query(
        `SELECT id, kind, user_id, session_id, ip, at FROM security_events WHERE tenant_id = $1 ${after ? 'AND (at, id) < ($3, $4)' : ''} ORDER BY at DESC, id DESC LIMIT $2`,
        after ? [tenantId, take, after[0], after[1]] : [tenantId, take],
      )
    ).map((r: Record<string, any>) => ({ id: Number(r.id), kind: r.kind, userId: r.user_id, sessionId: r.session_id, ip: r.ip, at: r.at })),
  );
}
