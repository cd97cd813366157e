import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { createKeyLookup } from './auth';
import { AppError } from './errors';
import { PUBLIC_LINK_AUDIENCE, PUBLIC_LINK_PURPOSES, PUBLIC_LINK_TYP, type PublicLinkPurpose } from './public-link-terms';

/**
 * Signed public links (NC-502): identity signs a compact JWT bound to tenant, purpose, subject and
 * scope (`createPublicLink`); a receiving subgraph verifies it against identity's JWKS and redeems
 * it at identity, which counts uses atomically (`maxUses`) and honours revocation.
 */
export * from './public-link-terms';

export interface PublicLinkClaims {
  linkId: string;
  tenantId: string;
  purpose: PublicLinkPurpose;
  subjectId: string;
  scope: 'global' | string[];
  expiresAt: Date;
}

export interface ExpectedLink {
  purpose: PublicLinkPurpose;
  /** When given, the link must be for exactly this subject (a link for building X never opens Y). */
  subjectId?: string;
}

const claimsSchema = z.object({
  jti: z.string().uuid(),
  sub: z.string().min(1),
  tid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  pur: z.enum(PUBLIC_LINK_PURPOSES),
  scope: z.union([z.literal('global'), z.array(z.string())]),
  exp: z.number(),
});

const linkError = (code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'CONFLICT', reason: string, message: string) => new AppError(code, message, { details: { reason } });

export type PublicLinkVerifier = (token: string, expected: ExpectedLink) => Promise<PublicLinkClaims>;

/**
 * Verifies a link's signature (identity's JWKS), audience, type and expiry, then that it is for
 * `expected.purpose` (and subject). Does not count a use: `redeemPublicLink` does.
 */
export function createPublicLinkVerifier(opts: { jwksUrl?: string; jwksFile?: string; issuer: string; keys?: JWTVerifyGetKey }): PublicLinkVerifier {
  const keys = opts.keys ?? createKeyLookup(opts);
  return async (token, expected) => {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer: opts.issuer, audience: PUBLIC_LINK_AUDIENCE, typ: PUBLIC_LINK_TYP, algorithms: ['EdDSA', 'ES256'], requiredClaims: ['exp', 'jti'] }));
    } catch (err) {
      const expired = (err as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw linkError('UNAUTHENTICATED', expired ? 'expired' : 'invalid', expired ? 'This link has expired' : 'This link is not valid');
    }
    const c = claimsSchema.safeParse(payload);
    if (!c.success) throw linkError('UNAUTHENTICATED', 'invalid', 'This link is not valid');
    if (c.data.pur !== expected.purpose) throw linkError('FORBIDDEN', 'purpose', `This link is not for ${expected.purpose}`);
    if (expected.subjectId !== undefined && c.data.sub !== expected.subjectId) throw linkError('FORBIDDEN', 'subject', 'This link is for another subject');
    return { linkId: c.data.jti, tenantId: c.data.tid, purpose: c.data.pur, subjectId: c.data.sub, scope: c.data.scope, expiresAt: new Date(c.data.exp * 1000) };
  };
}

/**
 * Verifies a link locally, then redeems one use at identity (`POST <identityUrl>/public-links/redeem`),
 * which refuses a revoked, expired or used-up link atomically. Returns the link's claims: the caller
 * then acts inside `tenantId` and `scope` only.
 */
export async function redeemPublicLink(opts: { identityUrl: string; verify: PublicLinkVerifier }, token: string, expected: ExpectedLink): Promise<PublicLinkClaims> {
  const claims = await opts.verify(token, expected);
  const res = await fetch(new URL('/public-links/redeem', opts.identityUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, purpose: expected.purpose, subjectId: expected.subjectId }),
  });
  if (res.ok) return claims;
  const body = (await res.json().catch(() => ({}))) as { errors?: { message?: string; extensions?: { code?: string; reason?: string } }[] };
  const e = body.errors?.[0];
  const code = e?.extensions?.code;
  // identity's redemption limit: pass the wait on, so the receiving route can answer 429 + Retry-After too.
  if (res.status === 429) {
    const retryAfterSeconds = Number(res.headers.get('retry-after')) || 60;
    throw new AppError('RATE_LIMITED', e?.message ?? 'Too many redemptions of this link', { details: { reason: 'rate_limited', retryAfterSeconds } });
  }
  throw linkError(code === 'FORBIDDEN' || code === 'CONFLICT' ? code : 'UNAUTHENTICATED', e?.extensions?.reason ?? 'invalid', e?.message ?? 'This link is not valid');
}
