import { randomUUID } from 'node:crypto';
import type express from 'express';
import { accessScope, AppError, createPublicLinkVerifier, jsonBody, redeemPublicLink, requestScopeMiddleware, withTenant, type PublicLinkVerifier, type ServiceRuntime } from '@commonhold/kit';
import type { VotingConfig } from '../../config';
import { castBallot } from './cast-ballot';

const STATUS: Record<string, number> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, RATE_LIMITED: 429, FEATURE_DISABLED: 503 };

/**
 * `POST /ballot-links/cast` `{ token, choice }` (passed through the gateway): a ballot through a
 * single-use signed link identity made for a vote (`purpose: vote_ballot`, subject = the vote, scope
 * = exactly one `apartment:<id>`). The ballot is validated and written first, the link's one use is
 * then taken at identity in the same transaction: a bad choice or a closed vote spends no use, and a
 * used, revoked or expired link writes no ballot.
 */
export function ballotLinkRoutes(app: express.Express, rt: ServiceRuntime): void {
  const cfg = rt.config as unknown as VotingConfig;
  let verifier: PublicLinkVerifier | undefined;
  const verify: PublicLinkVerifier = (token, expected) => {
    verifier ??= createPublicLinkVerifier({ jwksUrl: cfg.JWKS_URL ?? (cfg.IDENTITY_URL ? `${cfg.IDENTITY_URL}/.well-known/jwks.json` : undefined), jwksFile: cfg.JWKS_FILE, issuer: cfg.JWT_ISSUER });
    return verifier(token, expected);
  };
  const scope = requestScopeMiddleware('voting ballot link');
  app.post('/ballot-links/cast', jsonBody('16kb'), (req, res) =>
    scope(req, res, () => {
      res.set('cache-control', 'no-store');
      cast(req.body).then(
        (out) => res.json(out),
        (err: unknown) => {
          if (res.headersSent) return;
          if (err instanceof AppError) {
            const { http: _http, ...extensions } = err.extensions as { code: string; http?: unknown };
            res.status(STATUS[extensions.code] ?? 400).json({ errors: [{ message: err.message, extensions }] });
            return;
          }
          rt.log.error({ err }, 'ballot link failed');
          res.status(500).json({ errors: [{ message: 'Internal error', extensions: { code: 'INTERNAL' } }] });
        },
      );
    }),
  );

  async function cast(body: unknown) {
    const b = (body ?? {}) as { token?: unknown; choice?: unknown };
    if (typeof b.token !== 'string' || b.token.length > 4096) throw new AppError('UNAUTHENTICATED', 'This link is not valid', { details: { reason: 'invalid' } });
    if (!cfg.IDENTITY_URL) throw new AppError('FEATURE_DISABLED', 'Ballot links are not configured here (IDENTITY_URL)');
    const claims = await verify(b.token, { purpose: 'vote_ballot' });
    if (!(await rt.flags.isOn('ENABLE_VOTING', claims.tenantId))) throw new AppError('FEATURE_DISABLED', 'Voting is switched off');
    const s = accessScope(claims.scope);
    if (claims.scope === 'global' || s.apartments.length !== 1 || s.buildings.length || s.vendors.length) throw new AppError('FORBIDDEN', 'A ballot link must be for exactly one apartment', { details: { reason: 'scope' } });
    const apartmentId = s.apartments[0]!;
    return withTenant(rt.ds, { tenantId: claims.tenantId, scope: s }, async (m) => {
      const ballotId = await castBallot(m, {
        tenantId: claims.tenantId,
        actor: `public-link:${claims.linkId}`,
        scope: claims.scope,
        channel: 'link',
        // The link's single use (taken below, in this transaction) guards against repeats; each attempt has its own key.
        input: { voteId: claims.subjectId, apartmentId, choice: b.choice, idempotencyKey: `ballot-link:${claims.linkId}:${randomUUID()}` },
      });
      await redeemPublicLink({ identityUrl: cfg.IDENTITY_URL!, verify }, b.token as string, { purpose: 'vote_ballot', subjectId: claims.subjectId });
      return { ballotId, voteId: claims.subjectId, apartmentId };
    });
  }
}
