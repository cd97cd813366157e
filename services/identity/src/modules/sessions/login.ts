import { badInput, unauthenticated, withTenant } from '@commonhold/kit';
import { findMembership, findUserByEmail, normaliseEmail, verifyPassword } from '../accounts';
import { findFactor, mfaNeeded, tenantRequiresMfa } from '../mfa';
import { issueChallenge, type MfaChallenge } from './complete-mfa-login';
import { recordSecurityEvent } from './session.store';
import { startSession, type AuthDeps, type IssuedTokens } from './start-session';

export interface Login {
  tenant?: unknown;
  email?: unknown;
  password?: unknown;
  ip: string;
  userAgent?: string;
}

const TENANT = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Signs a member in: limits first (a locked account is refused before its password is checked),
 * then argon2id verification (as slow for an unknown email), then a new session. Wrong email,
 * wrong password, an invited or disabled user all answer the same UNAUTHENTICATED.
 */
export async function login(d: AuthDeps, cmd: Login): Promise<IssuedTokens | MfaChallenge> {
  if (typeof cmd.tenant !== 'string' || !TENANT.test(cmd.tenant)) throw badInput('tenant', 'tenant must be 1-64 of [A-Za-z0-9_-]');
  const tenantId = cmd.tenant;
  const email = normaliseEmail('email', cmd.email);
  if (typeof cmd.password !== 'string' || !cmd.password || cmd.password.length > 1024) throw badInput('password', 'password is required');
  const account = `${tenantId}:${email}`;
  try {
    await d.limits.check(account, cmd.ip);
  } catch (e) {
    d.metrics?.rateLimited('/auth/login');
    throw e;
  }

  const found = await withTenant(d.ds, tenantId, async (m) => {
    const user = await findUserByEmail(m, tenantId, email);
    return { user, membership: user ? await findMembership(m, tenantId, user.id) : null };
  });
  const passwordOk = await verifyPassword(found.user?.passwordHash, cmd.password);
  const { user, membership } = found;
  if (!passwordOk || !user || user.status !== 'active' || !membership) {
    const { lockedForSeconds } = await d.limits.failed(account, cmd.ip);
    // Only a known account gets events: unknown tenants and emails must not let anyone write rows.
    if (user) {
      await withTenant(d.ds, tenantId, async (m) => {
        await recordSecurityEvent(m, tenantId, { kind: 'login_failed', userId: user.id, ip: cmd.ip });
        if (lockedForSeconds) await recordSecurityEvent(m, tenantId, { kind: 'login_locked', userId: user.id, ip: cmd.ip, detail: { seconds: lockedForSeconds } });
      });
    }
    d.metrics?.authFailure('password');
    if (lockedForSeconds) d.metrics?.lockout('login');
    throw unauthenticated('The email or password is wrong');
  }
  await d.limits.succeeded(account);
  const client = { ip: cmd.ip, userAgent: cmd.userAgent };
  return withTenant(d.ds, tenantId, async (m) => {
    // A second factor when the member enrolled one, or the tenant requires one of their role (then: enrol now).
    const need = mfaNeeded({ enrolled: !!(await findFactor(m, tenantId, user.id))?.confirmedAt, tenantRequires: await tenantRequiresMfa(m, tenantId), roles: membership.roles });
    if (need !== 'none') return issueChallenge(m, d, tenantId, user.id, need === 'enrol' ? { label: user.email } : null, client);
    return startSession(m, d, tenantId, user.id, membership, client);
  });
}
