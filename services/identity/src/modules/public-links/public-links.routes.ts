import type express from 'express';
import { createLocalJWKSet } from 'jose';
import { createPublicLinkVerifier, jsonBody, PUBLIC_LINK_PURPOSES, badInput, type PublicLinkPurpose, type ServiceRuntime } from '@commonhold/kit';
import type { IdentityConfig } from '../../config';
import { route } from '../../shared/http';
import { keyRing } from '../signing-keys';
import { redeemPublicLink } from './redeem-public-link';

/**
 * `POST /public-links/redeem` `{ token, purpose, subjectId? }`: takes one use of a link for a
 * receiving subgraph (the kit's `redeemPublicLink`). Internal: not passed through the gateway.
 */
export function publicLinkRoutes(app: express.Express, rt: ServiceRuntime): void {
  const ring = keyRing(rt);
  const verify = createPublicLinkVerifier({ issuer: (rt.config as IdentityConfig).JWT_ISSUER, keys: async (h, t) => createLocalJWKSet(await ring.jwks())(h, t) });
  app.post('/public-links/redeem', jsonBody('16kb'), route(rt.log, async (req, res) => {
    const b = (req.body ?? {}) as { token?: unknown; purpose?: unknown; subjectId?: unknown };
    // Invitations are redeemed by identity itself (accept-invitation), never by another service.
    if (!PUBLIC_LINK_PURPOSES.includes(b.purpose as PublicLinkPurpose) || b.purpose === 'invitation') throw badInput('purpose', 'Unknown purpose');
    if (b.subjectId !== undefined && typeof b.subjectId !== 'string') throw badInput('subjectId', 'subjectId must be a string');
    const { claims } = await redeemPublicLink(rt.ds, verify, b.token, { purpose: b.purpose as PublicLinkPurpose, subjectId: b.subjectId as string | undefined });
    res.json({ linkId: claims.linkId, tenantId: claims.tenantId, purpose: claims.purpose, subjectId: claims.subjectId, scope: claims.scope, expiresAt: claims.expiresAt.toISOString() });
  }));
}
