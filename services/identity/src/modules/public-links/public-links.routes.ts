import { createHash } from 'node:crypto';
import type express from 'express';
import { createLocalJWKSet } from 'jose';
import { AppError, createPublicLinkVerifier, jsonBody, PUBLIC_LINK_PURPOSES, badInput, type PublicLinkPurpose, type ServiceRuntime } from '@commonhold/kit';
import type { IdentityConfig } from '../../config';
import { route } from '../../shared/http';
import { limitRedis, RouteLimit } from '../../shared/route-limit';
import { securityMetrics } from '../../shared/security-metrics';
import { keyRing } from '../signing-keys';
import { redeemPublicLink } from './redeem-public-link';

/**
 * `POST /public-links/redeem` `{ token, purpose, subjectId? }`: takes one use of a link for a
 * receiving subgraph (the kit's `redeemPublicLink`). Internal: not passed through the gateway.
 */
export function publicLinkRoutes(app: express.Express, rt: ServiceRuntime): () => Promise<void> {
  const config = rt.config as IdentityConfig;
  const ring = keyRing(rt);
  const metrics = securityMetrics(rt.metrics.registry);
  const redis = limitRedis(config.REDIS_URL);
  // Per link (its token: one token per link): a leaked link cannot be hammered to probe or spend it.
  const limit = new RouteLimit('redeem-link', { redis, keyPrefix: config.REDIS_KEY_PREFIX, points: config.PUBLIC_LINK_REDEEM_PER_MINUTE, durationSeconds: 60 }, () => metrics.rateLimited('/public-links/redeem'));
  const verify = createPublicLinkVerifier({ issuer: (rt.config as IdentityConfig).JWT_ISSUER, keys: async (h, t) => createLocalJWKSet(await ring.jwks())(h, t) });
  app.post('/public-links/redeem', jsonBody('16kb'), route(rt.log, async (req, res) => {
    const b = (req.body ?? {}) as { token?: unknown; purpose?: unknown; subjectId?: unknown };
    // Invitations are redeemed by identity itself (accept-invitation), never by another service.
    if (!PUBLIC_LINK_PURPOSES.includes(b.purpose as PublicLinkPurpose) || b.purpose === 'invitation') throw badInput('purpose', 'Unknown purpose');
    if (b.subjectId !== undefined && typeof b.subjectId !== 'string') throw badInput('subjectId', 'subjectId must be a string');
    await limit.consume(createHash('sha256').update(typeof b.token === 'string' ? b.token : '').digest('hex'));
    let claims;
    try {
      ({ claims } = await redeemPublicLink(rt.ds, verify, b.token, { purpose: b.purpose as PublicLinkPurpose, subjectId: b.subjectId as string | undefined }));
    } catch (err) {
      const reason = err instanceof AppError ? (err.extensions as { reason?: unknown }).reason : undefined;
      if (typeof reason === 'string') metrics.publicLinkRejected(reason);
      throw err;
    }
    res.json({ linkId: claims.linkId, tenantId: claims.tenantId, purpose: claims.purpose, subjectId: claims.subjectId, scope: claims.scope, expiresAt: claims.expiresAt.toISOString() });
  }));
  return async () => {
    await redis?.quit().catch(() => undefined);
  };
}
