import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { TenantSecrets } from '@commonhold/kit';
import type { IdentityConfig } from '../../config';
import type { SecurityMetrics } from '../../shared/security-metrics';
import type { MembershipRow } from '../accounts';
import type { KeyRing } from '../signing-keys';
import type { LoginLimits } from './login-limits';
import { formatRefreshToken, tokenHash } from './session';
import { insertRefreshToken, insertSession } from './session.store';

/** What the sign-in routes need; built once per running service (sessions.routes.ts). */
export interface AuthDeps {
  ds: DataSource;
  ring: KeyRing;
  limits: LoginLimits;
  /** Wrong second-factor codes, counted and locked out like failed passwords (own keys). */
  mfaLimits: LoginLimits;
  secrets: TenantSecrets;
  config: IdentityConfig;
  metrics?: SecurityMetrics;
}

export interface IssuedTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  sessionId: string;
}

/** Signs an access token: `sub`, `tid`, `roles`, `scope` and the session id `sid`, living ACCESS_TOKEN_TTL_SECONDS. */
export function signAccessToken(d: Pick<AuthDeps, 'ring' | 'config'>, tenantId: string, userId: string, ms: MembershipRow, sessionId: string): Promise<string> {
  return d.ring.sign({ tid: tenantId, roles: ms.roles, scope: ms.scope, sid: sessionId }, { subject: userId, lifetimeSeconds: d.config.ACCESS_TOKEN_TTL_SECONDS });
}

/** A new refresh token in `sessionId`'s family (stored as its hash only). */
export async function newRefreshToken(m: EntityManager, tenantId: string, sessionId: string): Promise<string> {
  const token = formatRefreshToken(tenantId, randomBytes(32).toString('base64url'));
  await insertRefreshToken(m, tenantId, tokenHash(token), sessionId);
  return token;
}

/** Opens a session (a new refresh-token family) for a signed-in member and issues its first tokens. */
export async function startSession(m: EntityManager, d: Pick<AuthDeps, 'ring' | 'config'>, tenantId: string, userId: string, ms: MembershipRow, client: { ip: string; userAgent?: string }): Promise<IssuedTokens> {
  const sessionId = randomUUID();
  await insertSession(m, tenantId, { id: sessionId, userId, expiresAt: new Date(Date.now() + d.config.SESSION_TTL_HOURS * 3_600_000), userAgent: client.userAgent?.slice(0, 300) ?? null, ip: client.ip });
  const refreshToken = await newRefreshToken(m, tenantId, sessionId);
  return { accessToken: await signAccessToken(d, tenantId, userId, ms, sessionId), expiresIn: d.config.ACCESS_TOKEN_TTL_SECONDS, refreshToken, sessionId };
}
