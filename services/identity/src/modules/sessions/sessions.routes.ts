import { randomBytes, timingSafeEqual } from 'node:crypto';
import type express from 'express';
import { AppError, createPublicLinkVerifier, jsonBody, requireFeature, type ServiceRuntime } from '@commonhold/kit';
import { createLocalJWKSet } from 'jose';
import type { IdentityConfig } from '../../config';
import { route } from '../../shared/http';
import { limitRedis, RouteLimit } from '../../shared/route-limit';
import { securityMetrics } from '../../shared/security-metrics';
import { acceptInvitation } from '../accounts';
import { keyRing } from '../signing-keys';
import { completeMfaLogin, type MfaChallenge } from './complete-mfa-login';
import { login } from './login';
import { LoginLimits } from './login-limits';
import { logout, refreshSession } from './refresh-session';
import { CSRF_COOKIE, CSRF_HEADER, readCookie, REFRESH_COOKIE, setCookie } from './session';
import type { AuthDeps, IssuedTokens } from './start-session';

const csrfRefused = () => new AppError('FORBIDDEN', `The ${CSRF_HEADER} header must echo the ${CSRF_COOKIE} cookie`, { details: { reason: 'csrf' } });

function sameSecret(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * Sign-in over plain HTTP (the gateway passes `/auth` through, Set-Cookie included):
 * `POST /auth/login`, `/auth/refresh`, `/auth/logout`, `/auth/accept-invitation`. With
 * ENABLE_HTTPONLY_AUTH the refresh token travels only in a `__Host-` HttpOnly cookie and refresh
 * and logout need the double-submit `x-csrf-token`; otherwise it travels in the JSON body.
 */
export function sessionRoutes(app: express.Express, rt: ServiceRuntime): () => Promise<void> {
  const config = rt.config as IdentityConfig;
  const limits = new LoginLimits({ redisUrl: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, accountFailures: config.LOGIN_ACCOUNT_FAILURES, ipFailures: config.LOGIN_IP_FAILURES });
  const mfaLimits = new LoginLimits({ redisUrl: config.REDIS_URL, keyPrefix: `${config.REDIS_KEY_PREFIX}:mfa`, accountFailures: config.MFA_ACCOUNT_FAILURES, ipFailures: config.LOGIN_IP_FAILURES });
  const metrics = securityMetrics(rt.metrics.registry);
  const d: AuthDeps = { ds: rt.ds, ring: keyRing(rt), limits, mfaLimits, secrets: rt.secrets, config, metrics };
  const redis = limitRedis(config.REDIS_URL);
  // Refreshes per client address: a stolen-token or guessing loop meets a wall, a browser never does.
  const refreshLimit = new RouteLimit('refresh-ip', { redis, keyPrefix: config.REDIS_KEY_PREFIX, points: config.REFRESH_IP_PER_MINUTE, durationSeconds: 60 }, () => metrics.rateLimited('/auth/refresh'));
  const cookieMode = () => config.ENABLE_HTTPONLY_AUTH;
  const body = jsonBody('16kb');
  const sessionSeconds = config.SESSION_TTL_HOURS * 3600;

  const answer = (res: express.Response, t: IssuedTokens | MfaChallenge) => {
    if ('mfaRequired' in t) {
      res.status(200).json(t); // no session yet: the second step (POST /auth/login/mfa) opens it
      return;
    }
    const out: Record<string, unknown> = { accessToken: t.accessToken, tokenType: 'Bearer', expiresIn: t.expiresIn, sessionId: t.sessionId };
    if (cookieMode()) {
      const csrf = randomBytes(24).toString('base64url');
      res.append('set-cookie', setCookie({ name: REFRESH_COOKIE, value: t.refreshToken, httpOnly: true, maxAgeSeconds: sessionSeconds }));
      res.append('set-cookie', setCookie({ name: CSRF_COOKIE, value: csrf, httpOnly: false, maxAgeSeconds: sessionSeconds }));
      out.csrfToken = csrf;
    } else {
      out.refreshToken = t.refreshToken;
    }
    if ('recoveryCodes' in t && t.recoveryCodes) out.recoveryCodes = t.recoveryCodes;
    res.status(200).json(out);
  };
  const clearCookies = (res: express.Response) => {
    res.append('set-cookie', setCookie({ name: REFRESH_COOKIE, value: '', httpOnly: true, maxAgeSeconds: 0 }));
    res.append('set-cookie', setCookie({ name: CSRF_COOKIE, value: '', httpOnly: false, maxAgeSeconds: 0 }));
  };
  /** The presented refresh token: the cookie (after the CSRF check) in cookie mode, the body otherwise. */
  const presented = (req: express.Request): unknown => {
    if (!cookieMode()) return (req.body as { refreshToken?: unknown } | undefined)?.refreshToken;
    if (!sameSecret(req.get(CSRF_HEADER), readCookie(req.headers.cookie, CSRF_COOKIE))) throw csrfRefused();
    return readCookie(req.headers.cookie, REFRESH_COOKIE);
  };
  const enabled = () => requireFeature(config, 'ENABLE_IDENTITY');

  app.post('/auth/login', body, route(rt.log, async (req, res) => {
    enabled();
    const b = (req.body ?? {}) as Record<string, unknown>;
    answer(res, await login(d, { tenant: b.tenant, email: b.email, password: b.password, ip: req.ip ?? 'unknown', userAgent: req.get('user-agent') }));
  }));

  app.post('/auth/login/mfa', body, route(rt.log, async (req, res) => {
    enabled();
    const b = (req.body ?? {}) as Record<string, unknown>;
    try {
      answer(res, await completeMfaLogin(d, { challengeToken: b.challengeToken, code: b.code, recoveryCode: b.recoveryCode, ip: req.ip ?? 'unknown', userAgent: req.get('user-agent') }));
    } catch (err) {
      if (err instanceof AppError && err.extensions.code === 'RATE_LIMITED') metrics.rateLimited('/auth/login/mfa');
      throw err;
    }
  }));

  app.post('/auth/refresh', body, route(rt.log, async (req, res) => {
    enabled();
    await refreshLimit.consume(req.ip ?? 'unknown');
    try {
      answer(res, await refreshSession(d, { refreshToken: presented(req), ip: req.ip ?? 'unknown' }));
    } catch (err) {
      // An ended session's cookie is useless: tell the browser to drop it.
      if (err instanceof AppError && err.extensions.code === 'UNAUTHENTICATED') {
        if (cookieMode()) clearCookies(res);
        metrics.authFailure(/already used/.test(err.message) ? 'refresh_reused' : /ended/.test(err.message) ? 'refresh_ended' : 'refresh_invalid');
      }
      if (err instanceof AppError && err.extensions.code === 'FORBIDDEN') metrics.authFailure('csrf');
      throw err;
    }
  }));

  app.post('/auth/logout', body, route(rt.log, async (req, res) => {
    enabled();
    await logout(d, { refreshToken: presented(req) });
    if (cookieMode()) clearCookies(res);
    res.status(204).end();
  }));

  const verifyLink = createPublicLinkVerifier({ issuer: config.JWT_ISSUER, keys: async (h, t) => createLocalJWKSet(await d.ring.jwks())(h, t) });
  app.post('/auth/accept-invitation', body, route(rt.log, async (req, res) => {
    enabled();
    const b = (req.body ?? {}) as Record<string, unknown>;
    const userId = await acceptInvitation(rt.ds, verifyLink, { token: b.token, password: b.password, ip: req.ip ?? 'unknown' });
    res.status(200).json({ userId });
  }));
  return async () => {
    // on stop: the limiters' Redis connections
    await Promise.all([limits.close(), mfaLimits.close(), redis?.quit().catch(() => undefined)]);
  };
}
