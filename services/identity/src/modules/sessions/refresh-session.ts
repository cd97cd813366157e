import { unauthenticated, withTenant } from '@commonhold/kit';
import { findMembership, findUser } from '../accounts';
import { parseRefreshToken, tokenHash } from './session';
import { findSession, lockRefreshToken, recordSecurityEvent, retireRefreshToken, revokeSessions } from './session.store';
import { newRefreshToken, signAccessToken, type AuthDeps, type IssuedTokens } from './start-session';

type Outcome = { ok: IssuedTokens } | { refused: 'unknown' | 'reused' | 'ended' };

/**
 * Rotates a refresh token (NC-501, RFC 9700 §4.14.2): the presented token is retired and a new one
 * of the same family issued, with an access token carrying the member's current roles and scope.
 * A retired token presented again means it was copied: the whole family (session) is revoked and
 * a `refresh_reuse` security event recorded — committed even though the caller gets 401.
 */
export async function refreshSession(d: AuthDeps, cmd: { refreshToken: unknown; ip: string }): Promise<IssuedTokens> {
  const parsed = parseRefreshToken(cmd.refreshToken);
  if (!parsed) throw unauthenticated('The refresh token is invalid');
  const { tenantId } = parsed;
  const hash = tokenHash(cmd.refreshToken as string);
  const outcome = await withTenant<Outcome>(d.ds, tenantId, async (m) => {
    const token = await lockRefreshToken(m, tenantId, hash);
    if (!token) return { refused: 'unknown' };
    const session = await findSession(m, tenantId, token.sessionId);
    if (!session) return { refused: 'unknown' };
    if (token.retiredAt) {
      const revoked = await revokeSessions(m, tenantId, { userId: session.userId, sessionId: session.id }, 'refresh_reuse');
      await recordSecurityEvent(m, tenantId, { kind: 'refresh_reuse', userId: session.userId, sessionId: session.id, ip: cmd.ip, detail: { familyRevokedNow: revoked.length > 0 } });
      return { refused: 'reused' };
    }
    if (session.revokedAt || session.expiresAt.getTime() <= Date.now()) return { refused: 'ended' };
    const user = await findUser(m, tenantId, session.userId);
    const membership = user?.status === 'active' ? await findMembership(m, tenantId, session.userId) : null;
    if (!membership) {
      await revokeSessions(m, tenantId, { userId: session.userId, sessionId: session.id }, 'membership_ended');
      return { refused: 'ended' };
    }
    await retireRefreshToken(m, tenantId, hash);
    const refreshToken = await newRefreshToken(m, tenantId, session.id);
    return { ok: { accessToken: await signAccessToken(d, tenantId, session.userId, membership, session.id), expiresIn: d.config.ACCESS_TOKEN_TTL_SECONDS, refreshToken, sessionId: session.id } };
  });
  if ('ok' in outcome) return outcome.ok;
  if (outcome.refused === 'reused') d.metrics?.refreshReuse();
  throw unauthenticated(outcome.refused === 'reused' ? 'The refresh token was already used; the session has been ended' : 'The session has ended; sign in again');
}

/** Ends the session a refresh token belongs to (logout). Unknown or already-ended tokens change nothing. */
export async function logout(d: Pick<AuthDeps, 'ds'>, cmd: { refreshToken: unknown }): Promise<void> {
  const parsed = parseRefreshToken(cmd.refreshToken);
  if (!parsed) return;
  await withTenant(d.ds, parsed.tenantId, async (m) => {
    const token = await lockRefreshToken(m, parsed.tenantId, tokenHash(cmd.refreshToken as string));
    const session = token && (await findSession(m, parsed.tenantId, token.sessionId));
    if (session) await revokeSessions(m, parsed.tenantId, { userId: session.userId, sessionId: session.id }, 'logout');
  });
}
