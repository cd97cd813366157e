import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { unauthenticated } from './errors';
import { isScopeClaim, type ScopeClaim } from './scope';

/** Who is calling: from the JWT claims `sub`, `tid`, `roles`, `scope` (ARCHITECTURE §3). */
export interface Principal {
  userId: string;
  tenantId: string;
  roles: string[];
  /** `global`, or typed `building:<uuid>` / `apartment:<uuid>` / `vendor:<uuid>` entries (scope.ts). */
  scope: ScopeClaim;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  tid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'tenant id must be 1-64 of [A-Za-z0-9_-]'),
  roles: z.array(z.string()).default([]),
  scope: z.custom<ScopeClaim>(isScopeClaim, 'scope entries are building:<uuid>, apartment:<uuid> or vendor:<uuid>').default('global'),
});

export interface VerifierOptions {
  jwksUrl?: string;
  jwksFile?: string;
  issuer: string;
  audience: string;
  /**
   * How long a verified token's principal is reused without re-checking its signature (never past
   * its `exp`). Signature checks dominate auth cost and every hop repeats them; 0 disables.
   */
  cacheTtlMs?: number;
  cacheMaxEntries?: number;
}

export type TokenVerifier = (authorization: string | undefined) => Promise<Principal>;

/** Verifies a bearer token against a JWKS (remote URL, or a local file in the embedded default). */
export function createTokenVerifier(opts: VerifierOptions): TokenVerifier {
  let keys: JWTVerifyGetKey;
  if (opts.jwksUrl) keys = createRemoteJWKSet(new URL(opts.jwksUrl), { cacheMaxAge: 10 * 60_000 });
  else if (opts.jwksFile) keys = createLocalJWKSet(JSON.parse(readFileSync(opts.jwksFile, 'utf8')));
  else throw new Error('JWKS_URL or JWKS_FILE must be set: a subgraph never accepts unverified callers');

  const ttl = opts.cacheTtlMs ?? 60_000;
  const max = opts.cacheMaxEntries ?? 10_000;
  // Insertion-ordered Map as a small LRU: re-inserted on hit, oldest evicted first.
  const cache = new Map<string, { principal: Principal; until: number }>();

  return async (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const token = match?.[1];
    if (!token) throw unauthenticated();
    const now = Date.now();
    const hit = cache.get(token);
    if (hit) {
      cache.delete(token);
      if (hit.until > now) {
        cache.set(token, hit);
        return hit.principal;
      }
    }
    let payload: { exp?: number } & Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer: opts.issuer, audience: opts.audience, algorithms: ['ES256', 'RS256', 'EdDSA'] }));
    } catch {
      throw unauthenticated('The bearer token is invalid or expired');
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw unauthenticated('The bearer token lacks valid sub/tid/roles/scope claims');
    const principal: Principal = { userId: claims.data.sub, tenantId: claims.data.tid, roles: claims.data.roles, scope: claims.data.scope };
    if (ttl > 0) {
      const until = Math.min(now + ttl, typeof payload.exp === 'number' ? payload.exp * 1000 : now + ttl);
      cache.set(token, { principal, until });
      if (cache.size > max) cache.delete(cache.keys().next().value!);
    }
    return principal;
  };
}
