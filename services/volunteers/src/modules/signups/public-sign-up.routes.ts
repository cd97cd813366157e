import type express from 'express';
import { AppError, badInput, createPublicLinkVerifier, featureDisabled, jsonBody, redeemPublicLink, requestScopeMiddleware, withTenant, type ServiceRuntime } from '@commonhold/kit';
import type { VolunteersConfig } from '../../config';
import { publicSignUp } from './public-sign-up';
import { signupMetrics } from './signup.metrics';

const STATUS: Record<string, number> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, IDEMPOTENCY_CONFLICT: 409, RATE_LIMITED: 429, FEATURE_DISABLED: 503 };

/**
 * `POST /volunteer-signups` `{ token, shiftId, firstName, lastName, email?, phone?, postcode?,
 * consent?: { email, sms }, idempotencyKey }` — the public sign-up form of a person without an
 * account (passed through the gateway). The signed link (identity, purpose `volunteer_signup`,
 * subject = the shift) is verified against identity's JWKS, then one use is redeemed at identity;
 * the link's tenant is the tenant acted in. Errors answer like GraphQL: `errors[0].extensions.code`
 * and `field`.
 */
export function publicSignUpRoutes(app: express.Express, rt: ServiceRuntime): void {
  const config = rt.config as VolunteersConfig;
  const identityUrl = config.IDENTITY_URL;
  const verify = identityUrl ? createPublicLinkVerifier({ jwksUrl: new URL('/.well-known/jwks.json', identityUrl).href, issuer: config.JWT_ISSUER }) : null;
  const scope = requestScopeMiddleware('volunteers public signup');
  const metrics = signupMetrics(rt.metrics.registry);
  app.post('/volunteer-signups', jsonBody('16kb'), (req, res) =>
    scope(req, res, () => {
      res.set('cache-control', 'no-store');
      handle(req.body ?? {})
        .then((r) => {
          metrics.signups.inc({ source: 'public', outcome: r.waitlisted ? 'waitlisted' : 'placed' });
          res.status(201).json(r);
        })
        .catch((err: unknown) => {
          if (err instanceof AppError) {
            const { http: _http, ...extensions } = err.extensions as { code: string; http?: unknown; retryAfterSeconds?: number };
            if (extensions.retryAfterSeconds) res.set('retry-after', String(extensions.retryAfterSeconds));
            res.status(STATUS[extensions.code] ?? 400).json({ errors: [{ message: err.message, extensions }] });
            return;
          }
          rt.log.error({ err }, 'public volunteer signup failed');
          res.status(500).json({ errors: [{ message: 'Internal error', extensions: { code: 'INTERNAL' } }] });
        });
    }),
  );

  async function handle(body: Record<string, unknown>) {
    if (!verify || !identityUrl) throw new AppError('FEATURE_DISABLED', 'Public sign-up needs IDENTITY_URL');
    if (typeof body.token !== 'string' || !body.token) throw badInput('token', 'token is required');
    if (typeof body.shiftId !== 'string' || !body.shiftId) throw badInput('shiftId', 'shiftId is required');
    if (typeof body.idempotencyKey !== 'string') throw badInput('idempotencyKey', 'idempotencyKey is required');
    const expected = { purpose: 'volunteer_signup' as const, subjectId: body.shiftId };
    const claims = await verify(body.token, expected);
    if (!(await rt.flags.isOn('ENABLE_VOLUNTEERS', claims.tenantId))) throw featureDisabled('ENABLE_VOLUNTEERS');
    const { token: _t, shiftId, ...form } = body;
    const r = await withTenant(rt.ds, claims.tenantId, (m) =>
      publicSignUp(m, rt.registry, {
        tenantId: claims.tenantId,
        shiftId: shiftId as string,
        body: form as Record<string, unknown> & { idempotencyKey: string },
        redeem: async () => void (await redeemPublicLink({ identityUrl: identityUrl!, verify: verify! }, body.token as string, expected)),
      }),
    );
    return { signupId: r.signupId, status: 'WEB_SIGN_UP', waitlisted: r.waitlisted };
  }
}
