// Per-tenant rate limits through the gateway, with the counters in real Redis (REDIS_URL), as
// every gateway replica shares them in the distributed mode.
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { AppError } from '@commonhold/kit';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { createRateLimits } from '../src/rate-limit';

describe('gateway rate limits (Redis)', () => {
  let platform: TestPlatform;
  let redis: Redis;
  const tenantA = `rl-a-${randomBytes(3).toString('hex')}`;
  const tenantB = `rl-b-${randomBytes(3).toString('hex')}`;
  const query = '{ contacts(first: 1) { pageInfo { hasNextPage } } }';

  beforeAll(async () => {
    if (!process.env.REDIS_URL) throw new Error('REDIS_URL is unset (globalSetup provides Redis)');
    platform = await startTestPlatform({ transport: 'in-process', rateLimit: { tenantPoints: 3 } });
    redis = new Redis(process.env.REDIS_URL);
  });
  afterAll(async () => {
    await platform?.stop();
    if (redis) {
      const keys = await redis.keys(`${platform.prefix}rl*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });

  it('keeps its counters in Redis', () => {
    expect(platform.gateway.rateLimits.store).toBe('redis');
  });

  it('answers the 4th request of a tenant with RATE_LIMITED (HTTP 429, Retry-After) while another tenant goes on', async () => {
    const a = platform.as(tenantA);
    for (let i = 1; i <= 3; i++) {
      const ok = await a(query);
      expect({ i, status: ok.status, errors: ok.errors }).toEqual({ i, status: 200, errors: undefined });
    }
    const limited = await a(query);
    expect(limited.status).toBe(429);
    expect(limited.data).toBeUndefined();
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(limited.errors).toHaveLength(1);
    expect(limited.errors![0]!.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: retryAfter });
    expect(limited.errors![0]!.message).toMatch(/Too many requests for this tenant/);

    const b = await platform.as(tenantB)(query);
    expect(b.status).toBe(200);
    expect(b.errors).toBeUndefined();
    expect(b.data).toEqual({ contacts: { pageInfo: { hasNextPage: false } } });

    // The counters really live in Redis, under the platform's key prefix, with an expiry.
    const keys = await redis.keys(`${platform.prefix}rl*`);
    expect(keys).toEqual(expect.arrayContaining([`${platform.prefix}rl:tenant:${tenantA}`, `${platform.prefix}rl:tenant:${tenantB}`]));
    expect(keys.some((k) => k.startsWith(`${platform.prefix}rl:ip:`))).toBe(true);
    expect(await redis.get(`${platform.prefix}rl:tenant:${tenantA}`)).toBe('4'); // 3 allowed + 1 refused
    expect(await redis.get(`${platform.prefix}rl:tenant:${tenantB}`)).toBe('1');
    const ttl = await redis.pttl(`${platform.prefix}rl:tenant:${tenantA}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('shares the budget with any other limiter on the same Redis and prefix (another replica)', async () => {
    const tenantC = `rl-c-${randomBytes(3).toString('hex')}`;
    for (let i = 0; i < 3; i++) expect((await platform.as(tenantC)(query)).status).toBe(200);
    const replica = createRateLimits({ redisUrl: process.env.REDIS_URL, keyPrefix: `${platform.prefix}rl`, tenantPoints: 3 });
    try {
      expect(replica.store).toBe('redis');
      const err = await replica.consumeTenant(tenantC).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).extensions.code).toBe('RATE_LIMITED');
      await expect(replica.consumeTenant(`rl-d-${randomBytes(3).toString('hex')}`)).resolves.toBeUndefined();
    } finally {
      await replica.close();
    }
  });

  it('counts unauthenticated requests against the per-IP budget (checked before the token)', async () => {
    const anonymous = () => fetch(platform.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    expect((await anonymous()).status).toBe(401);
    const ipKey = (await redis.keys(`${platform.prefix}rl:ip:*`))[0]!;
    const before = Number(await redis.get(ipKey));
    expect((await anonymous()).status).toBe(401);
    expect(Number(await redis.get(ipKey))).toBe(before + 1);
  });
});
