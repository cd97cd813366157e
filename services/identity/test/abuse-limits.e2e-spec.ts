// Abuse limits beyond sign-in (NC-503) and the security counters behind them (NC-504): refreshes
// per client address and redemptions per public link, in Redis, answered 429 + Retry-After; the
// refusals, reuse detections and link rejections counted on identity's /metrics.
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { TOTP, URI } from 'otpauth';
import { createPublicLinkVerifier, redeemPublicLink, type PublicLinkVerifier } from '@commonhold/kit';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { key, member, post } from './support/auth-client';

let platform: TestPlatform;
let verify: PublicLinkVerifier;
let identityUrl: string;
const tenant = () => `t-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  platform = await startTestPlatform({
    transport: 'in-process',
    services: ['identity'],
    serviceEnv: { identity: { REFRESH_IP_PER_MINUTE: '4', PUBLIC_LINK_REDEEM_PER_MINUTE: '3', MFA_ACCOUNT_FAILURES: '20' } },
  });
  verify = createPublicLinkVerifier({ jwksUrl: new URL('/.well-known/jwks.json', platform.gateway.url).href, issuer: 'commonhold-identity' });
  identityUrl = `http://127.0.0.1:${platform.services.identity!.port}`;
}, 120_000);
afterAll(async () => platform?.stop());

const scrape = async () => (await fetch(`${identityUrl}/metrics`)).text();
const counter = (text: string, name: string, label = '') => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line ? Number(line.split(' ').pop()) : NaN;
};

it('limits refreshes per client address (429 + Retry-After, in Redis) and counts reuse and refusals', async () => {
  const t = tenant();
  const m = await member(platform, t);
  const first = await post(platform, '/auth/login', { tenant: t, email: m.email, password: m.password });
  const before = await scrape();
  let token = first.body.refreshToken as string;
  const rotated = await post(platform, '/auth/refresh', { refreshToken: token });
  expect(rotated.status).toBe(200);
  // The retired token again: reuse, counted.
  expect((await post(platform, '/auth/refresh', { refreshToken: token })).status).toBe(401);
  token = rotated.body.refreshToken;
  expect((await post(platform, '/auth/refresh', { refreshToken: 'not-a-token' })).status).toBe(401);
  expect((await post(platform, '/auth/refresh', { refreshToken: token })).status).toBe(401); // family revoked by the reuse
  // Budget of 4 per minute spent: the fifth is refused before any token is looked at, forged address or not.
  const limited = await post(platform, '/auth/refresh', { refreshToken: token }, { 'x-forwarded-for': '203.0.113.9' });
  expect(limited.status).toBe(429);
  expect(limited.body.errors[0].extensions.code).toBe('RATE_LIMITED');
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  const redis = new Redis(process.env.REDIS_URL!);
  try {
    expect(await redis.keys(`${platform.prefix}rl:identity:refresh-ip*`)).not.toEqual([]);
  } finally {
    redis.disconnect();
  }
  const after = await scrape();
  // The copied token, then the newest one (retired with its family): two reuse detections.
  expect(counter(after, 'refresh_token_reuse_total') - counter(before, 'refresh_token_reuse_total')).toBe(2);
  expect(counter(after, 'auth_failures_total', 'reason="refresh_reused"') - counter(before, 'auth_failures_total', 'reason="refresh_reused"')).toBe(2);
  expect(counter(after, 'rate_limited_requests_total', 'route="/auth/refresh"')).toBe(1);
  expect(counter(after, 'auth_failures_total', 'reason="refresh_invalid"') - counter(before, 'auth_failures_total', 'reason="refresh_invalid"')).toBe(1);
});

it('limits redemptions per link (429 + Retry-After through the kit) and counts rejections by reason', async () => {
  const t = tenant();
  const subjectId = randomUUID();
  const created = await platform.as(t)('mutation($input: CreatePublicLinkInput!) { createPublicLink(input: $input) { token } }', {
    input: { purpose: 'volunteer_signup', subjectId, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), maxUses: 1, idempotencyKey: key() },
  });
  const token = created.data.createPublicLink.token as string;
  const redeem = () => redeemPublicLink({ identityUrl, verify }, token, { purpose: 'volunteer_signup', subjectId }).then(() => 'ok', (e) => e.extensions);
  const before = await scrape();
  expect(await redeem()).toBe('ok');
  expect(await redeem()).toMatchObject({ code: 'CONFLICT', reason: 'used' });
  expect(await redeem()).toMatchObject({ code: 'CONFLICT', reason: 'used' });
  expect(await redeem()).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
  const direct = await fetch(`${identityUrl}/public-links/redeem`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, purpose: 'volunteer_signup', subjectId }) });
  expect(direct.status).toBe(429);
  expect(Number(direct.headers.get('retry-after'))).toBeGreaterThan(0);
  const after = await scrape();
  expect(counter(after, 'public_link_rejections_total', 'reason="used"') - counter(before, 'public_link_rejections_total', 'reason="used"')).toBe(2);
  expect(counter(after, 'rate_limited_requests_total', 'route="/public-links/redeem"')).toBe(2);
});

it('counts failed passwords and API-key exchanges by reason', async () => {
  const t = tenant();
  const m = await member(platform, t);
  const before = await scrape();
  expect((await post(platform, '/auth/login', { tenant: t, email: m.email, password: 'definitely not it' })).status).toBe(401);
  expect((await post(platform, '/auth/token', {}, { authorization: `ApiKey chk.${t}.${'A'.repeat(43)}` })).status).toBe(401);
  const after = await scrape();
  expect(counter(after, 'auth_failures_total', 'reason="password"') - counter(before, 'auth_failures_total', 'reason="password"')).toBe(1);
  expect(counter(after, 'auth_failures_total', 'reason="api_key"') - counter(before, 'auth_failures_total', 'reason="api_key"')).toBe(1);
});

it('counts refused bearer tokens by reason at the gateway (alg none, malformed, missing)', async () => {
  const gatewayMetrics = async () => (await fetch(new URL('/metrics', platform.gateway.url))).text();
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const none = `${b64({ alg: 'none' })}.${b64({ sub: 'u', tid: 't', iss: 'commonhold-identity', aud: 'commonhold', iat: now, exp: now + 60 })}.`;
  const before = await gatewayMetrics();
  const call = (authorization?: string) => fetch(new URL('/graphql', platform.gateway.url), { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify({ query: '{ me { userId } }' }) });
  expect((await (await call(`Bearer ${none}`)).json() as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  await call();
  await call('Bearer not.a.jwt');
  const after = await gatewayMetrics();
  for (const reason of ['alg', 'missing', 'malformed']) {
    expect([reason, counter(after, 'token_verification_failures_total', `reason="${reason}"`) - counter(before, 'token_verification_failures_total', `reason="${reason}"`)]).toEqual([reason, 1]);
  }
});

it('spends a second-factor challenge after 5 wrong codes: the right code is then refused too (sign in again)', async () => {
  const t = tenant();
  const m = await member(platform, t, { roles: ['admin'] });
  await platform.as(t)('mutation($input: SetTenantMfaRequirementInput!) { setTenantMfaRequirement(input: $input) { mfaRequired } }', { input: { required: true, idempotencyKey: key() } });
  const first = await post(platform, '/auth/login', { tenant: t, email: m.email, password: m.password });
  const totp = URI.parse(first.body.otpauthUri) as TOTP;
  const right = totp.generate();
  const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
  for (let i = 0; i < 5; i++) expect((await post(platform, '/auth/login/mfa', { challengeToken: first.body.challengeToken, code: wrong })).body.errors[0].extensions.reason).toBe('invalid');
  const spent = await post(platform, '/auth/login/mfa', { challengeToken: first.body.challengeToken, code: right });
  expect({ status: spent.status, reason: spent.body.errors[0].extensions.reason }).toEqual({ status: 401, reason: 'challenge' });
  // A new challenge (the pending enrolment renewed: a new secret) works with its code.
  const again = await post(platform, '/auth/login', { tenant: t, email: m.email, password: m.password });
  const ok = await post(platform, '/auth/login/mfa', { challengeToken: again.body.challengeToken, code: (URI.parse(again.body.otpauthUri) as TOTP).generate() });
  expect(ok.status).toBe(200);
});
