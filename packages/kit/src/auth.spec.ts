import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
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
  async function rawToken(key: JWK, claims: Record<string, unknown>, opts: { exp?: number | null; iat?: number | null; kid?: string } = {}) {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: opts.kid ?? key.kid }).setIssuer(ISSUER).setAudience(AUDIENCE);
    if (opts.iat !== null) jwt.setIssuedAt(opts.iat ?? now);
    if (opts.exp !== null) jwt.setExpirationTime(opts.exp ?? now + 600);
    return jwt.sign(await importJWK(key, 'ES256'));
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
      // Past exp and the 30 s clock tolerance.
      jest.useFakeTimers({ now: Date.now() + 35_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
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

// NC-505: the token attacks of the security regression suite, each refused for its own reason.
describe('createTokenVerifier refuses forged and over-long tokens (NC-505)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'commonhold-auth-nc505-'));
  let priv: JWK;
  let pub: JWK;
  let jwksFile: string;
  const reasons: string[] = [];
  let sut: TokenVerifier;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    const keys = await ensureDevKeys(dir);
    jwksFile = keys.jwksFile;
    priv = readPrivateKey(keys.privateKeyFile);
    pub = (JSON.parse(readFileSync(jwksFile, 'utf8')) as { keys: JWK[] }).keys[0]!;
    sut = createTokenVerifier({ jwksFile, issuer: ISSUER, audience: AUDIENCE, maxLifetimeSeconds: 900, onRejected: (r) => reasons.push(r) });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const sign = async (claims: Record<string, unknown>, o: { iat?: number | null; exp?: number | null; kid?: string; iss?: string; aud?: string } = {}) => {
    const jwt = new SignJWT({ sub: 'u-1', tid: 'tenant-a', roles: ['admin'], scope: 'global', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: o.kid ?? priv.kid })
      .setIssuer(o.iss ?? ISSUER)
      .setAudience(o.aud ?? AUDIENCE);
    if (o.iat !== null) jwt.setIssuedAt(o.iat ?? now());
    if (o.exp !== null) jwt.setExpirationTime(o.exp ?? now() + 600);
    return jwt.sign(await importJWK(priv, 'ES256'));
  };
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

  const attacks: [string, () => Promise<string>, string][] = [
    ['alg none', async () => `${b64({ alg: 'none', kid: priv.kid })}.${b64({ sub: 'u', tid: 't', iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 60 })}.`, 'alg'],
    ['HS256 signed with the public key as the HMAC secret', async () => {
      const secret = new TextEncoder().encode(JSON.stringify(pub));
      return new SignJWT({ sub: 'u', tid: 't' }).setProtectedHeader({ alg: 'HS256', kid: priv.kid }).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').sign(secret);
    }, 'alg'],
    ['an unknown kid', async () => sign({}, { kid: 'kid-nobody-published' }), 'unknown_kid'],
    ['expired', async () => sign({}, { iat: now() - 700, exp: now() - 100 }), 'expired'],
    ['from another issuer', async () => sign({}, { iss: 'evil-identity' }), 'claims'],
    ['for another audience', async () => sign({}, { aud: 'another-app' }), 'claims'],
    ['with a tampered payload', async () => {
      const [h, , s] = (await sign({})).split('.');
      return `${h}.${b64({ sub: 'u-1', tid: 'victim', roles: ['admin'], iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 600 })}.${s}`;
    }, 'signature'],
    ['without exp', async () => sign({}, { exp: null }), 'no_exp'],
    ['without iat', async () => sign({}, { iat: null }), 'no_iat'],
    ['issued in the future', async () => sign({}, { iat: now() + 300, exp: now() + 900 }), 'future_iat'],
    ['living longer than the maximum', async () => sign({}, { iat: now(), exp: now() + 3600 }), 'lifetime'],
  ];

  it.each(attacks.map(([n, make, reason]) => [n, reason, make] as const))('refuses a token %s (recorded reason: %s)', async (_name, reason, make) => {
    reasons.length = 0;
    await expect(sut(`Bearer ${await make()}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(reasons).toEqual([reason]);
  });

  it('accepts the same shape when it is honest (the attacks fail for their flaw alone)', async () => {
    await expect(sut(`Bearer ${await sign({}, { iat: now() - 10, exp: now() + 890 })}`)).resolves.toMatchObject({ userId: 'u-1', tenantId: 'tenant-a' });
  });

  it('takes the maximum lifetime from its options', async () => {
    const lenient = createTokenVerifier({ jwksFile, issuer: ISSUER, audience: AUDIENCE, maxLifetimeSeconds: 7200 });
    await expect(lenient(`Bearer ${await sign({}, { iat: now(), exp: now() + 3600 })}`)).resolves.toMatchObject({ tenantId: 'tenant-a' });
  });

  describe('with JWKS_URL beside the static dev key', () => {
    let server: Server;
    let url: string;
    let fetches = 0;
    const published: JWK[] = [];
    let newPriv: JWK;

    beforeAll(async () => {
      const pair = await generateKeyPair('ES256', { extractable: true });
      newPriv = { ...(await exportJWK(pair.privateKey)), kid: 'rotated-1', alg: 'ES256' };
      published.push({ ...(await exportJWK(pair.publicKey)), kid: 'identity-0', alg: 'ES256', use: 'sig' }); // placeholder for an older key
      server = createServer((_req, res) => {
        fetches++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('picks up a key published after its first fetch, without a new verifier, and keeps the dev key', async () => {
      const verifier = createTokenVerifier({ jwksUrl: url, jwksFile, issuer: ISSUER, audience: AUDIENCE, jwksCooldownMs: 0 });
      const rotated = async () =>
        new SignJWT({ sub: 'u-2', tid: 'tenant-b' }).setProtectedHeader({ alg: 'ES256', kid: newPriv.kid }).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('10m').sign(await importJWK(newPriv, 'ES256'));
      // Not yet published: refused.
      await expect(verifier(`Bearer ${await rotated()}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
      const before = fetches;
      const { d: _d, ...publicPart } = newPriv;
      published.push({ ...publicPart, use: 'sig' });
      await expect(verifier(`Bearer ${await rotated()}`)).resolves.toMatchObject({ userId: 'u-2', tenantId: 'tenant-b' });
      expect(fetches).toBe(before + 1);
      // The static dev key still verifies (npm run token), without asking identity.
      const beforeDev = fetches;
      await expect(verifier(`Bearer ${await sign({})}`)).resolves.toMatchObject({ tenantId: 'tenant-a' });
      expect(fetches).toBe(beforeDev);
    });
  });
});
