import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
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
  /** The identity session (`sid`) the token was issued for; absent on development tokens. */
  sessionId?: string;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  tid: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'tenant id must be 1-64 of [A-Za-z0-9_-]'),
  roles: z.array(z.string()).default([]),
  scope: z.custom<ScopeClaim>(isScopeClaim, 'scope entries are building:<uuid>, apartment:<uuid> or vendor:<uuid>').default('global'),
  sid: z.string().max(64).optional(),
});

export interface VerifierOptions {
  /** identity's `/.well-known/jwks.json`: fetched on first use, cached, refetched for an unknown `kid`. */
  jwksUrl?: string;
  /** A static JWKS file (the dev key of `npm run token`); used for the kids it holds, beside `jwksUrl`. */
  jwksFile?: string;
  issuer: string;
  audience: string;
  /** Longest accepted `exp - iat` in seconds (JWT_MAX_LIFETIME_SECONDS, default 900 = 15 min). */
  maxLifetimeSeconds?: number;
  /** Clock skew tolerated on `exp` and `iat`, in seconds (default 30). */
  clockToleranceSeconds?: number;
  /** How long the remote JWKS is trusted before a refetch (default 10 min; key rotation's lead time must exceed it). */
  jwksCacheMaxAgeMs?: number;
  /** Least time between two refetches caused by unknown kids (default 30 s: bad kids cannot hammer identity). */
  jwksCooldownMs?: number;
  /** Called with a bounded reason whenever a token is refused (metrics: token errors by reason). */
  onRejected?: (reason: TokenRejection) => void;
  /**
   * How long a verified token's principal is reused without re-checking its signature (never past
   * its `exp`). Signature checks dominate auth cost and every hop repeats them; 0 disables.
   */
  cacheTtlMs?: number;
  cacheMaxEntries?: number;
}

export type TokenVerifier = (authorization: string | undefined) => Promise<Principal>;

/** Why a token was refused (a bounded set: a metric label, never shown to the caller). */
export type TokenRejection = 'missing' | 'alg' | 'signature' | 'unknown_kid' | 'expired' | 'claims' | 'no_exp' | 'no_iat' | 'future_iat' | 'lifetime' | 'malformed';
export const TOKEN_REJECTIONS: readonly TokenRejection[] = ['missing', 'alg', 'signature', 'unknown_kid', 'expired', 'claims', 'no_exp', 'no_iat', 'future_iat', 'lifetime', 'malformed'];

const REJECTION = Symbol('tokenRejection');
/** The reason a verifier refused a token, read from the error it threw (never sent to the caller). */
export const tokenRejectionOf = (err: unknown): TokenRejection | undefined => (err && typeof err === 'object' ? (err as { [REJECTION]?: TokenRejection })[REJECTION] : undefined);

/** Default longest token lifetime: access tokens live at most 15 minutes (issue 11). */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 900;

/**
 * The key lookup for a verifier: the static file's keys for the kids it holds, identity's remote
 * JWKS for every other kid. The remote set is cached (10 min) and refetched at most every 30 s when
 * a token names a kid it does not know yet, so a key published before it signs is picked up
 * without a restart (docs/security/identity.md, key rotation).
 */
export function createKeyLookup(opts: { jwksUrl?: string; jwksFile?: string; jwksCacheMaxAgeMs?: number; jwksCooldownMs?: number }): JWTVerifyGetKey {
  const local = opts.jwksFile ? (JSON.parse(readFileSync(opts.jwksFile, 'utf8')) as JSONWebKeySet) : undefined;
  const localSet = local ? createLocalJWKSet(local) : undefined;
  const localKids = new Set((local?.keys ?? []).map((k) => k.kid));
  const remote = opts.jwksUrl ? createRemoteJWKSet(new URL(opts.jwksUrl), { cacheMaxAge: opts.jwksCacheMaxAgeMs ?? 10 * 60_000, cooldownDuration: opts.jwksCooldownMs ?? 30_000, timeoutDuration: 5_000 }) : undefined;
  if (!localSet && !remote) throw new Error('JWKS_URL or JWKS_FILE must be set: a subgraph never accepts unverified callers');
  return (header, token) => (localSet && (!remote || localKids.has(header.kid)) ? localSet(header, token) : remote!(header, token));
}

/**
 * The checks jose leaves to the caller: a token must carry `exp` and `iat`, `iat` may not lie in
 * the future, and `exp - iat` may not exceed the configured maximum (a stolen long-lived token is
 * refused even when its signature is good). Returns the reason, or undefined when acceptable.
 */
export function lifetimeProblem(payload: JWTPayload, nowSeconds: number, maxLifetimeSeconds: number, toleranceSeconds: number): TokenRejection | undefined {
  if (typeof payload.exp !== 'number') return 'no_exp';
  if (typeof payload.iat !== 'number') return 'no_iat';
  if (payload.iat > nowSeconds + toleranceSeconds) return 'future_iat';
  if (payload.exp - payload.iat > maxLifetimeSeconds) return 'lifetime';
  return undefined;
}

function rejectionOf(err: unknown): TokenRejection {
  if (err instanceof joseErrors.JWTExpired) return 'expired';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'unknown_kid';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return err.claim === 'exp' ? 'no_exp' : err.claim === 'iat' ? (err.reason === 'missing' ? 'no_iat' : 'future_iat') : 'claims';
  // alg none, HS256 with the public key as the secret, any algorithm outside the allow-list.
  if (err instanceof joseErrors.JOSEAlgNotAllowed || err instanceof joseErrors.JOSENotSupported) return 'alg';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature';
  return 'malformed';
}

/** Verifies a bearer token against a JWKS (identity's URL, a local file, or both). */
export function createTokenVerifier(opts: VerifierOptions): TokenVerifier {
  const keys = createKeyLookup(opts);
  const maxLifetime = opts.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  const tolerance = opts.clockToleranceSeconds ?? 30;
  const reject = (reason: TokenRejection, message = 'The bearer token is invalid or expired') => {
    opts.onRejected?.(reason);
    return Object.assign(unauthenticated(message), { [REJECTION]: reason });
  };

  const ttl = opts.cacheTtlMs ?? 60_000;
  const max = opts.cacheMaxEntries ?? 10_000;
  // Insertion-ordered Map as a small LRU: re-inserted on hit, oldest evicted first.
  const cache = new Map<string, { principal: Principal; until: number }>();

  return async (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const token = match?.[1];
    if (!token) throw reject('missing', 'A valid bearer token is required');
    const now = Date.now();
    const hit = cache.get(token);
    if (hit) {
      cache.delete(token);
      if (hit.until > now) {
        cache.set(token, hit);
        return hit.principal;
      }
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: opts.issuer,
        audience: opts.audience,
        algorithms: ['ES256', 'RS256', 'EdDSA'],
        requiredClaims: ['exp', 'iat'],
        clockTolerance: tolerance,
      }));
    } catch (err) {
      throw reject(rejectionOf(err));
    }
    const problem = lifetimeProblem(payload, Math.floor(now / 1000), maxLifetime, tolerance);
    if (problem) throw reject(problem);
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw reject('claims', 'The bearer token lacks valid sub/tid/roles/scope claims');
    const principal: Principal = { userId: claims.data.sub, tenantId: claims.data.tid, roles: claims.data.roles, scope: claims.data.scope, ...(claims.data.sid ? { sessionId: claims.data.sid } : {}) };
    if (ttl > 0) {
      const until = Math.min(now + ttl, payload.exp! * 1000);
      cache.set(token, { principal, until });
      if (cache.size > max) cache.delete(cache.keys().next().value!);
    }
    return principal;
  };
}
