import type { EntityManager } from 'typeorm';

export interface TotpFactorRow {
  userId: string;
  secretSealed: string;
  confirmedAt: Date | null;
  lastStep: number | null;
}

export async function findFactor(m: EntityManager, tenantId: string, userId: string): Promise<TotpFactorRow | null> {
  const [r] = await m.query('SELECT user_id, secret_sealed, confirmed_at, last_step FROM totp_factors WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
  return r ? { userId: r.user_id, secretSealed: r.secret_sealed, confirmedAt: r.confirmed_at, lastStep: r.last_step === null ? null : Number(r.last_step) } : null;
}

/** A pending (unconfirmed) factor replaces any earlier pending one; a confirmed factor is never overwritten here. */
export async function putPendingFactor(m: EntityManager, tenantId: string, userId: string, secretSealed: string): Promise<boolean> {
  const rows = await m.query(
    `INSERT INTO totp_factors (tenant_id, user_id, secret_sealed) VALUES ($1, $2, $3)
     ON CONFLICT (tenant_id, user_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, created_at = now(), last_step = NULL
     WHERE totp_factors.confirmed_at IS NULL RETURNING user_id`,
    [tenantId, userId, secretSealed],
  );
  return rows.length > 0;
}

/**
 * Records `step` as the newest accepted one, only if it is newer than the last: two requests racing
 * with the same code cannot both pass (the loser sees no row). Confirms a pending factor on the way.
 */
export async function acceptStep(m: EntityManager, tenantId: string, userId: string, step: number): Promise<boolean> {
  const [rows] = await m.query(
    `UPDATE totp_factors SET last_step = $3, confirmed_at = COALESCE(confirmed_at, now())
     WHERE tenant_id = $1 AND user_id = $2 AND (last_step IS NULL OR last_step < $3) RETURNING user_id`,
    [tenantId, userId, step],
  );
  return (rows as unknown[]).length > 0;
}

export async function deleteFactor(m: EntityManager, tenantId: string, userId: string): Promise<void> {
  await m.query('DELETE FROM recovery_codes WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
  await m.query('DELETE FROM totp_factors WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
}

export async function replaceRecoveryCodes(m: EntityManager, tenantId: string, userId: string, hashes: string[]): Promise<void> {
  await m.query('DELETE FROM recovery_codes WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
  for (const h of hashes) await m.query('INSERT INTO recovery_codes (tenant_id, user_id, code_hash) VALUES ($1, $2, $3)', [tenantId, userId, h]);
}

/** Uses a recovery code once (a single conditional UPDATE: a code cannot be spent twice). */
export async function useRecoveryCode(m: EntityManager, tenantId: string, userId: string, hash: string): Promise<boolean> {
  const [rows] = await m.query('UPDATE recovery_codes SET used_at = now() WHERE tenant_id = $1 AND user_id = $2 AND code_hash = $3 AND used_at IS NULL RETURNING code_hash', [tenantId, userId, hash]);
  return (rows as unknown[]).length > 0;
}

export async function recoveryCodesLeft(m: EntityManager, tenantId: string, userId: string): Promise<number> {
  const [r] = await m.query('SELECT count(*)::int AS n FROM recovery_codes WHERE tenant_id = $1 AND user_id = $2 AND used_at IS NULL', [tenantId, userId]);
  return r.n;
}

export async function tenantRequiresMfa(m: EntityManager, tenantId: string): Promise<boolean> {
  const [r] = await m.query('SELECT mfa_required FROM tenant_security_settings WHERE tenant_id = $1', [tenantId]);
  return r?.mfa_required === true;
}

export async function setTenantRequiresMfa(m: EntityManager, tenantId: string, required: boolean): Promise<Date> {
  const [r] = await m.query(
    `INSERT INTO tenant_security_settings (tenant_id, mfa_required) VALUES ($1, $2)
     ON CONFLICT (tenant_id) DO UPDATE SET mfa_required = EXCLUDED.mfa_required, updated_at = now() RETURNING updated_at`,
    [tenantId, required],
  );
  return r.updated_at;
}

export interface ChallengeRow {
  userId: string;
  attempts: number;
  expiresAt: Date;
  usedAt: Date | null;
  userAgent: string | null;
}

export async function insertChallenge(m: EntityManager, tenantId: string, c: { hash: string; userId: string; expiresAt: Date; ip: string; userAgent?: string }): Promise<void> {
  await m.query('INSERT INTO mfa_challenges (token_hash, tenant_id, user_id, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6)', [c.hash, tenantId, c.userId, c.expiresAt, c.ip, c.userAgent?.slice(0, 300) ?? null]);
}

/** Locks the challenge row (one attempt at a time per challenge). */
export async function lockChallenge(m: EntityManager, tenantId: string, hash: string): Promise<ChallengeRow | null> {
  const [r] = await m.query('SELECT user_id, attempts, expires_at, used_at, user_agent FROM mfa_challenges WHERE tenant_id = $1 AND token_hash = $2 FOR UPDATE', [tenantId, hash]);
  return r ? { userId: r.user_id, attempts: r.attempts, expiresAt: r.expires_at, usedAt: r.used_at, userAgent: r.user_agent } : null;
}

export async function countChallengeAttempt(m: EntityManager, tenantId: string, hash: string): Promise<void> {
  await m.query('UPDATE mfa_challenges SET attempts = attempts + 1 WHERE tenant_id = $1 AND token_hash = $2', [tenantId, hash]);
}

export async function useChallenge(m: EntityManager, tenantId: string, hash: string): Promise<void> {
  await m.query('UPDATE mfa_challenges SET used_at = now() WHERE tenant_id = $1 AND token_hash = $2', [tenantId, hash]);
}
