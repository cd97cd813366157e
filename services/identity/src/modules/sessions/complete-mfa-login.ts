import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, badInput, withTenant, writeAudit } from '@commonhold/kit';
import { findMembership, findUser, type MembershipRow } from '../accounts';
import { checkTotp, confirmFactor, countChallengeAttempt, findFactor, insertChallenge, lockChallenge, looksLikeRecoveryCode, openSecret, pendingFactor, recoveryCodeHash, useChallenge, useRecoveryCode, acceptStep } from '../mfa';
import { formatRefreshToken, parseRefreshToken, tokenHash } from './session';
import { recordSecurityEvent } from './session.store';
import { startSession, type AuthDeps, type IssuedTokens } from './start-session';

/** A challenge lives this long: the time to open the authenticator app and type a code. */
export const MFA_CHALLENGE_SECONDS = 300;
/** Wrong codes one challenge takes before it is spent (the per-account limit applies besides). */
export const MFA_CHALLENGE_ATTEMPTS = 5;

export interface MfaChallenge {
  mfaRequired: true;
  challengeToken: string;
  expiresIn: number;
  /** Set when the member must enrol now (the tenant requires a factor of their role): scan, then answer a code. */
  otpauthUri?: string;
}

/** After a correct password: a single-use challenge (`<tenant>.<256 bits>`, stored as its SHA-256) for the second step. */
export async function issueChallenge(m: EntityManager, d: Pick<AuthDeps, 'secrets'>, tenantId: string, userId: string, enrol: { label: string } | null, client: { ip: string; userAgent?: string }): Promise<MfaChallenge> {
  const token = formatRefreshToken(tenantId, randomBytes(32).toString('base64url'));
  await insertChallenge(m, tenantId, { hash: tokenHash(token), userId, expiresAt: new Date(Date.now() + MFA_CHALLENGE_SECONDS * 1000), ip: client.ip, userAgent: client.userAgent });
  const out: MfaChallenge = { mfaRequired: true, challengeToken: token, expiresIn: MFA_CHALLENGE_SECONDS };
  if (enrol) out.otpauthUri = await pendingFactor(m, d.secrets, tenantId, userId, enrol.label);
  return out;
}

export interface MfaLogin {
  challengeToken?: unknown;
  code?: unknown;
  recoveryCode?: unknown;
  ip: string;
  userAgent?: string;
}

type Outcome =
  | { ok: IssuedTokens & { recoveryCodes?: string[] } }
  | { refused: 'challenge' }
  | { wrong: 'invalid' | 'replayed'; userId: string; field: 'code' | 'recoveryCode' };

const challengeRefused = () => new AppError('UNAUTHENTICATED', 'The sign-in challenge is invalid, used or expired; sign in again', { field: 'challengeToken', details: { reason: 'challenge' } });

/**
 * The second sign-in step (`POST /auth/login/mfa`): a 6-digit TOTP code (RFC 6238, ±1 step, a code
 * of a step already accepted refused as a replay) or a single-use recovery code, against the
 * challenge a correct password earned. Wrong codes count per account and per address like failed
 * passwords (LoginLimits under the `mfa` prefix); a locked account is refused before the code is checked.
 */
export async function completeMfaLogin(d: AuthDeps, cmd: MfaLogin, now = Date.now()): Promise<IssuedTokens & { recoveryCodes?: string[] }> {
  const parsed = parseRefreshToken(cmd.challengeToken);
  if (!parsed) throw challengeRefused();
  const usingRecovery = cmd.code === undefined && cmd.recoveryCode !== undefined;
  if (usingRecovery ? !looksLikeRecoveryCode(cmd.recoveryCode) : typeof cmd.code !== 'string' || !/^\d{6}$/.test(cmd.code)) {
    throw usingRecovery ? badInput('recoveryCode', 'recoveryCode must be one of your recovery codes') : badInput('code', 'code must be the 6 digits your app shows');
  }
  const { tenantId } = parsed;
  const hash = tokenHash(cmd.challengeToken as string);
  // The account key needs the challenge's user: peek (no lock) to check the limits before any code is tried.
  const peek = await withTenant(d.ds, tenantId, (m) => lockChallenge(m, tenantId, hash));
  if (!peek) throw challengeRefused();
  const account = `${tenantId}:${peek.userId}`;
  await d.mfaLimits.check(account, cmd.ip);

  const outcome = await withTenant<Outcome>(d.ds, tenantId, async (m) => {
    const ch = await lockChallenge(m, tenantId, hash);
    if (!ch || ch.usedAt || ch.expiresAt.getTime() <= now || ch.attempts >= MFA_CHALLENGE_ATTEMPTS) return { refused: 'challenge' };
    // One connection per transaction: these run one after another.
    const user = await findUser(m, tenantId, ch.userId);
    const membership = await findMembership(m, tenantId, ch.userId);
    const factor = await findFactor(m, tenantId, ch.userId);
    if (!user || user.status !== 'active' || !membership || !factor) return { refused: 'challenge' };
    let recoveryCodes: string[] | undefined;
    if (usingRecovery) {
      if (!factor.confirmedAt || !(await useRecoveryCode(m, tenantId, ch.userId, recoveryCodeHash(cmd.recoveryCode as string)))) {
        await countChallengeAttempt(m, tenantId, hash);
        return { wrong: 'invalid', userId: ch.userId, field: 'recoveryCode' };
      }
    } else {
      const check = checkTotp(await openSecret(m, d.secrets, tenantId, factor.secretSealed), cmd.code, now, factor.lastStep);
      if (!check.ok) {
        await countChallengeAttempt(m, tenantId, hash);
        return { wrong: check.reason, userId: ch.userId, field: 'code' };
      }
      if (factor.confirmedAt) {
        // Conditional on the step being newer: a racing request with the same code loses here.
        if (!(await acceptStep(m, tenantId, ch.userId, check.step))) return { wrong: 'replayed', userId: ch.userId, field: 'code' };
      } else {
        recoveryCodes = (await confirmFactor(m, tenantId, ch.userId, check.step)) ?? undefined;
        if (!recoveryCodes) return { wrong: 'replayed', userId: ch.userId, field: 'code' };
        await recordSecurityEvent(m, tenantId, { kind: 'mfa_enrolled', userId: ch.userId, ip: cmd.ip });
        await writeAudit(m, { tenantId, actor: ch.userId, action: 'mfa.enrolled', entityType: 'User', entityId: ch.userId, before: { totp: false }, after: { totp: true, at: 'sign-in' } });
      }
    }
    await useChallenge(m, tenantId, hash);
    const tokens = await startSession(m, d, tenantId, ch.userId, membership as MembershipRow, { ip: cmd.ip, userAgent: cmd.userAgent });
    return { ok: recoveryCodes ? { ...tokens, recoveryCodes } : tokens };
  });
  if ('ok' in outcome) {
    await d.mfaLimits.succeeded(account);
    return outcome.ok;
  }
  if ('refused' in outcome) throw challengeRefused();
  const { lockedForSeconds } = await d.mfaLimits.failed(account, cmd.ip);
  await withTenant(d.ds, tenantId, async (m) => {
    await recordSecurityEvent(m, tenantId, { kind: 'mfa_failed', userId: outcome.userId, ip: cmd.ip, detail: { reason: outcome.wrong } });
    if (lockedForSeconds) await recordSecurityEvent(m, tenantId, { kind: 'mfa_locked', userId: outcome.userId, ip: cmd.ip, detail: { seconds: lockedForSeconds } });
  });
  d.metrics?.authFailure(outcome.wrong === 'replayed' ? 'mfa_replayed' : 'mfa_invalid');
  if (lockedForSeconds) d.metrics?.lockout('mfa');
  throw new AppError('UNAUTHENTICATED', outcome.wrong === 'replayed' ? 'This code was used already; wait for the next one' : 'The code is wrong', { field: outcome.field, details: { reason: outcome.wrong } });
}
