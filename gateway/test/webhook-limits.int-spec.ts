// Abuse limits on payment-provider webhooks (NC-503): the gateway's /webhooks passthrough spends a
// budget per provider endpoint and source address in Redis; spent, it answers 429 + Retry-After
// without reaching fundraising, counts the refusal by route, and a forged X-Forwarded-For (no
// trusted proxy configured) does not buy a fresh budget.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createLogger, createTokenVerifier, defaultSchemasDir } from '@commonhold/kit';
import { testKeys } from '@commonhold/testing';
import { startGateway, type RunningGateway } from '../src/gateway';

let upstream: http.Server;
let gateway: RunningGateway;
let reached = 0;
let base: string;
const prefix = `test-${randomUUID().slice(0, 8)}:rl`;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      reached++;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const keys = await testKeys();
  gateway = await startGateway({
    port: 0,
    host: '127.0.0.1',
    supergraphSdl: readFileSync(join(defaultSchemasDir(), 'supergraph.graphql'), 'utf8'),
    subgraphUrls: { fundraising: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/graphql` },
    verifyToken: createTokenVerifier({ jwksFile: keys.jwksFile, issuer: 'commonhold-identity', audience: 'commonhold' }),
    production: false,
    log: createLogger('gateway', 'silent'),
    rateLimit: { redisUrl: process.env.REDIS_URL, keyPrefix: prefix, webhookPoints: 3 },
  });
  base = `http://127.0.0.1:${gateway.port}`;
});

afterAll(async () => {
  await gateway?.stop();
  await new Promise((r) => upstream?.close(r));
});

const hook = (provider: string, headers: Record<string, string> = {}) => fetch(`${base}/webhooks/${provider}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });

it('refuses a fourth webhook from one source within the minute with 429 + Retry-After, per endpoint, in Redis', async () => {
  expect(gateway.rateLimits.store).toBe('redis');
  for (let i = 0; i < 3; i++) expect((await hook('stripe')).status).toBe(200);
  const before = reached;
  const refused = await hook('stripe');
  expect(refused.status).toBe(429);
  expect(((await refused.json()) as any).errors[0].extensions.code).toBe('RATE_LIMITED');
  const retryAfter = Number(refused.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(reached).toBe(before); // never reached fundraising

  // A forged client address changes nothing: the gateway trusts no proxy here.
  expect((await hook('stripe', { 'x-forwarded-for': '198.51.100.7' })).status).toBe(429);
  // Another provider's endpoint has its own budget.
  expect((await hook('gocardless')).status).toBe(200);

  const redis = new Redis(process.env.REDIS_URL!);
  try {
    expect(await redis.keys(`${prefix}:webhook*stripe*`)).not.toEqual([]);
  } finally {
    redis.disconnect();
  }
  const metrics = await (await fetch(`${base}/metrics`)).text();
  expect(metrics).toMatch(/rate_limited_requests_total\{[^}]*route="gateway:webhook"[^}]*\} 2/);
});
