import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { unauthenticated } from './errors';

/** Who is calling: from the JWT claims `sub`, `tid`, `roles`, `scope` (ARCHITECTURE §3). */
export interface Principal {
  userId: string;
  tenantId: string;
  roles: string[];
  /** `global`, or the building/apartment ids the caller may touch. */
  scope: 'global' | string[];
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  tid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'tenant id must be 1-64 of [A-Za-z0-9_-]'),
  roles: z.array(z.string()).default([]),
  scope: z.union([z.literal('global'), z.array(z.string())]).default('global'),
});

export interface VerifierOptions {
  jwksUrl?: string;
  jwksFile?: string;
  issuer: string;
  audience: string;
}

export type TokenVerifier = (authorization: string | undefined) => Promise<Principal>;

/** Verifies a bearer token against a JWKS (remote URL, or a local file in the embedded default). */
export function createTokenVerifier(opts: VerifierOptions): TokenVerifier {
  let keys: JWTVerifyGetKey;
  if (opts.jwksUrl) keys = createRemoteJWKSet(new URL(opts.jwksUrl), { cacheMaxAge: 10 * 60_000 });
  else if (opts.jwksFile) keys = createLocalJWKSet(JSON.parse(readFileSync(opts.jwksFile, 'utf8')));
  else throw new Error('JWKS_URL or JWKS_FILE must be set: a subgraph never accepts unverified callers');

  return async (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) throw unauthenticated();
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(match[1], keys, { issuer: opts.issuer, audience: opts.audience, algorithms: ['ES256', 'RS256', 'EdDSA'] }));
    } catch {
      throw unauthenticated('The bearer token is invalid or expired');
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw unauthenticated('The bearer token lacks valid sub/tid claims');
    return { userId: claims.data.sub, tenantId: claims.data.tid, roles: claims.data.roles, scope: claims.data.scope };
  };
}
