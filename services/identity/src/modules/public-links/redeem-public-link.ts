import { AppError, withTenant, type ExpectedLink, type PublicLinkClaims, type PublicLinkVerifier } from '@commonhold/kit';
import type { DataSource, EntityManager } from 'typeorm';
import { findLink, takeUse } from './public-link.store';

const refused = (code: 'UNAUTHENTICATED' | 'CONFLICT', reason: string, message: string) => new AppError(code, message, { details: { reason } });

/**
 * Redeems one use of a link: verify the token (signature, audience, purpose, subject), then take a
 * use in one statement inside the link's tenant. A revoked, expired or used-up link is refused.
 * `within` lets a caller do its own effect in the same transaction (accepting an invitation).
 */
export async function redeemPublicLink<T = void>(
  ds: DataSource,
  verify: PublicLinkVerifier,
  token: unknown,
  expected: ExpectedLink,
  within?: (m: EntityManager, claims: PublicLinkClaims) => Promise<T>,
): Promise<{ claims: PublicLinkClaims; result: T | undefined }> {
  if (typeof token !== 'string' || token.length > 4096) throw refused('UNAUTHENTICATED', 'invalid', 'This link is not valid');
  const claims = await verify(token, expected);
  return withTenant(ds, claims.tenantId, async (m) => {
    const taken = await takeUse(m, claims.tenantId, claims.linkId);
    if (!taken) {
      const link = await findLink(m, claims.tenantId, claims.linkId);
      if (!link || link.revokedAt) throw refused('UNAUTHENTICATED', 'revoked', 'This link has been revoked');
      if (link.expiresAt.getTime() <= Date.now()) throw refused('UNAUTHENTICATED', 'expired', 'This link has expired');
      throw refused('CONFLICT', 'used', 'This link has already been used');
    }
    return { claims, result: within ? await within(m, claims) : undefined };
  });
}
