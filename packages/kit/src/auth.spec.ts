import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';
import { createTokenVerifier, type TokenVerifier } from './auth';
import { ensureDevKeys, readPrivateKey, signToken } from './dev-keys';
import { AppError } from './errors';

const ISSUER = 'commonhold-identity';
const AUDIENCE = 'commonhold';

describe('createTokenVerifier', () => {
  const dirs: string[] = [];
  let priv: JWK;
  let otherPriv: JWK;
  let sut: TokenVerifier;

  const newKeyDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'commonhold-auth-spec-'));
    dirs.push(dir);
    return dir;
  };

  /** A token with arbitrary claims, for the shapes signToken never produces. */
  async function rawToken(key: JWK, claims: Record<string, unknown>, opts: { exp?: number; iat?: number; kid?: string } = {}) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: opts.kid ?? key.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(opts.iat ?? now)
      .setExpirationTime(opts.exp ?? now + 3600)
      .sign(await importJWK(key, 'ES256'));
  }

  beforeAll(async () => {
    const keys = await ensureDevKeys(newKeyDir());
    priv = readPrivateKey(keys.privateKeyFile);
    otherPriv = readPrivateKey((await ensureDevKeys(newKeyDir())).privateKeyFile);
    sut = createTokenVerifier({ jwksFile: keys.jwksFile, issuer: ISSUER, audience: AUDIENCE });
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('keeps the key across calls (same dir → same key)', async () => {
    const dir = newKeyDir();
    const a = readPrivateKey((await ensureDevKeys(dir)).privateKeyFile);
    const b = readPrivateKey((await ensureDevKeys(dir)).privateKeyFile);
    expect(b).toEqual(a);
    expect(a.d).toBeDefined();
  });

  const B1 = 'building:00000000-0000-4000-8000-0000000000b1';
  const A2 = 'apartment:00000000-0000-4000-8000-0000000000a2';
  it('accepts a valid token and returns the principal', async () => {
    const token = await signToken(priv, { tenantId: 'tenant-a', userId: 'u-1', roles: ['fundraiser'], scope: [B1, A2] });
    await expect(sut(`Bearer ${token}`)).resolves.toEqual({ userId: 'u-1', tenantId: 'tenant-a', roles: ['fundraiser'], scope: [B1, A2] });
  });

  it('applies defaults: sub from the tenant, admin role, global scope', async () => {
    await expect(sut(`Bearer ${await signToken(priv, { tenantId: 't1' })}`)).resolves.toEqual({ userId: 'user-t1', tenantId: 't1', roles: ['admin'], scope: 'global' });
  });

  it('accepts the scheme in any case', async () => {
    await expect(sut(`bearer ${await signToken(priv, { tenantId: 't1' })}`)).resolves.toMatchObject({ tenantId: 't1' });
  });

  it('defaults roles and scope when the token has none', async () => {
    await expect(sut(`Bearer ${await rawToken(priv, { sub: 'u', tid: 't' })}`)).resolves.toEqual({ userId: 'u', tenantId: 't', roles: [], scope: 'global' });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Promise<string | undefined>, RegExp][] = [
    ['wrong issuer', async () => `Bearer ${await signToken(priv, { tenantId: 't1', issuer: 'someone-else' })}`, /invalid or expired/],
    ['wrong audience', async () => `Bearer ${await signToken(priv, { tenantId: 't1', audience: 'other-app' })}`, /invalid or expired/],
    ['expired', async () => `Bearer ${await rawToken(priv, { sub: 'u', tid: 't1' }, { iat: now() - 7200, exp: now() - 60 })}`, /invalid or expired/],
    ['signed by another key', async () => `Bearer ${await signToken(otherPriv, { tenantId: 't1' })}`, /invalid or expired/],
    ['signed by another key claiming our kid', async () => `Bearer ${await rawToken(otherPriv, { sub: 'u', tid: 't1' }, { kid: priv.kid })}`, /invalid or expired/],
    ['tampered payload', async () => {
      const [h, , s] = (await signToken(priv, { tenantId: 't1' })).split('.');
      const forged = Buffer.from(JSON.stringify({ sub: 'u', tid: 'victim', iss: ISSUER, aud: AUDIENCE, exp: now() + 3600 })).toString('base64url');
      return `Bearer ${h}.${forged}.${s}`;
    }, /invalid or expired/],
    ['unsigned (alg none)', async () => {
      const h = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
      const p = Buffer.from(JSON.stringify({ sub: 'u', tid: 't1', iss: ISSUER, aud: AUDIENCE, exp: now() + 3600 })).toString('base64url');
      return `Bearer ${h}.${p}.`;
    }, /invalid or expired/],
    ['missing tid', async () => `Bearer ${await rawToken(priv, { sub: 'u' })}`, /sub\/tid/],
    ['malformed tid', async () => `Bearer ${await rawToken(priv, { sub: 'u', tid: 'a b;drop' })}`, /sub\/tid/],
    ['over-long tid', async () => `Bearer ${await rawToken(priv, { sub: 'u', tid: 'x'.repeat(65) })}`, /sub\/tid/],
    ['missing sub', async () => `Bearer ${await rawToken(priv, { tid: 't1' })}`, /sub\/tid/],
    ['bad scope claim', async () => `Bearer ${await rawToken(priv, { sub: 'u', tid: 't1', scope: 'everything' })}`, /sub\/tid/],
    ['untyped scope entry (a bare id)', async () => `Bearer ${await rawToken(priv, { sub: 'u', tid: 't1', scope: ['building-1'] })}`, /sub\/tid/],
    ['scope entry of an unknown kind', async () => `Bearer ${await rawToken(priv, { sub: 'u', tid: 't1', scope: ['tenant:00000000-0000-4000-8000-000000000001'] })}`, /sub\/tid/],
    ['empty scope list (use global)', async () => `Bearer ${await rawToken(priv, { sub: 'u', tid: 't1', scope: [] })}`, /sub\/tid/],
    ['no Bearer prefix', async () => signToken(priv, { tenantId: 't1' }), /valid bearer token is required/],
    ['another scheme', async () => `Basic ${await signToken(priv, { tenantId: 't1' })}`, /valid bearer token is required/],
    ['no header', async () => undefined, /valid bearer token is required/],
    ['empty header', async () => '', /valid bearer token is required/],
    ['Bearer without a token', async () => 'Bearer ', /valid bearer token is required/],
    ['two tokens', async () => `Bearer ${await signToken(priv, { tenantId: 't1' })} extra`, /valid bearer token is required/],
    ['garbage token', async () => 'Bearer not.a.jwt', /invalid or expired/],
  ];

  it.each(cases)('refuses a token that is %s with UNAUTHENTICATED (401)', async (_name, header, message) => {
    const err = await sut(await header()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).extensions).toEqual({ code: 'UNAUTHENTICATED', http: { status: 401 } });
    expect((err as AppError).message).toMatch(message);
  });

  it('needs a JWKS source', () => {
    expect(() => createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE })).toThrow(/JWKS_URL or JWKS_FILE/);
  });

  describe('verified-token cache', () => {
    let jwksFile: string;
    beforeAll(async () => {
      jwksFile = (await ensureDevKeys(dirs[0]!)).jwksFile;
    });
    afterEach(() => jest.useRealTimers());

    it('stops accepting a cached token once it has expired', async () => {
      const cached = createTokenVerifier({ jwksFile, issuer: ISSUER, audience: AUDIENCE, cacheTtlMs: 3_600_000 });
      const now = Math.floor(Date.now() / 1000);
      const token = `Bearer ${await rawToken(priv, { sub: 'u', tid: 't' }, { exp: now + 2 })}`;
      await expect(cached(token)).resolves.toMatchObject({ tenantId: 't' });
      jest.useFakeTimers({ now: Date.now() + 5_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      await expect(cached(token)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    });

    it('never serves a forged token from the cache, even after the genuine one was cached', async () => {
      const cached = createTokenVerifier({ jwksFile, issuer: ISSUER, audience: AUDIENCE });
      const genuine = await signToken(priv, { tenantId: 'tenant-a' });
      await expect(cached(`Bearer ${genuine}`)).resolves.toMatchObject({ tenantId: 'tenant-a' });
      const [h, p] = genuine.split('.');
      const forged = `${h}.${p}.${Buffer.from('not the signature').toString('base64url')}`;
      await expect(cached(`Bearer ${forged}`)).rejects.toBeInstanceOf(AppError);
      const otherKey = await signToken(otherPriv, { tenantId: 'tenant-a' });
      await expect(cached(`Bearer ${otherKey}`)).rejects.toBeInstanceOf(AppError);
    });
  });
});
