// The gateway's edge on its own (no subgraph needed for `{ __typename }`): CORS, security headers,
// trusted proxies, per-user budgets under the tenant's, bounded metrics labels, a metrics token.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, createTokenVerifier, defaultSchemasDir } from '@commonhold/kit';
import { bearer, gql, testKeys } from '@commonhold/testing';
import { startGateway, type GatewayOptions, type RunningGateway } from '../src/gateway';

type Keys = Awaited<ReturnType<typeof testKeys>>;
let keys: Keys;
const running: RunningGateway[] = [];

async function gateway(overrides: Partial<GatewayOptions> = {}): Promise<RunningGateway> {
  const gw = await startGateway({
    port: 0,
    host: '127.0.0.1',
    supergraphSdl: readFileSync(join(defaultSchemasDir(), 'supergraph.graphql'), 'utf8'),
    subgraphUrls: { fundraising: 'http://127.0.0.1:9/graphql', volunteers: 'http://127.0.0.1:9/graphql' },
    verifyToken: createTokenVerifier({ jwksFile: keys.jwksFile, issuer: 'commonhold-identity', audience: 'commonhold' }),
    production: false,
    log: createLogger('gateway', 'silent'),
    ...overrides,
  });
  running.push(gw);
  return gw;
}

const preflight = (url: string, origin: string) =>
  fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' } });

beforeAll(async () => {
  keys = await testKeys();
});
afterAll(async () => {
  for (const gw of running) await gw.stop();
});

describe('CORS', () => {
  it('by default (outside production) lets a browser app on http://localhost:<any port> call, without credentials', async () => {
    const gw = await gateway();
    const res = await preflight(gw.url, 'http://localhost:5173');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    const r = await gql(gw.url, '{ __typename }', undefined, { ...bearer(await keys.token('cors-t')), origin: 'http://localhost:5173' });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('gives an unlisted origin no Access-Control-Allow-* at all', async () => {
    const gw = await gateway();
    const res = await preflight(gw.url, 'https://evil.example.org');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('allows credentials only for an exactly listed origin (CORS_ORIGINS)', async () => {
    const gw = await gateway({ corsOrigins: ['https://app.example.org', 'http://localhost:*'] });
    const listed = await preflight(gw.url, 'https://app.example.org');
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://app.example.org');
    expect(listed.headers.get('access-control-allow-credentials')).toBe('true');
    const pattern = await preflight(gw.url, 'http://localhost:3000');
    expect(pattern.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(pattern.headers.get('access-control-allow-credentials')).toBeNull();
    const lookalike = await preflight(gw.url, 'https://app.example.org.evil.net');
    expect(lookalike.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows no origin in production unless listed', async () => {
    const gw = await gateway({ production: true });
    const res = await preflight(gw.url, 'http://localhost:5173');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('security headers (helmet)', () => {
  it.each(['/graphql', '/health', '/metrics'])('sets them on %s', async (path) => {
    const gw = await gateway({ production: true });
    const res = await fetch(gw.url.replace(/\/graphql$/, path), path === '/graphql' ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' } : {});
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('client addresses (trusted proxies)', () => {
  const spoofed = async (gw: RunningGateway, xff: string) =>
    gql(gw.url, '{ __typename }', undefined, { ...bearer(await keys.token('ip-t')), 'x-forwarded-for': xff });

  it('by default trusts no X-Forwarded-For: a client cannot dodge the per-IP limit by inventing addresses', async () => {
    const gw = await gateway({ rateLimit: { ipPoints: 3 } });
    for (let i = 0; i < 3; i++) expect((await spoofed(gw, `203.0.113.${i}`)).status).toBe(200);
    const r = await spoofed(gw, '203.0.113.99');
    expect(r.status).toBe(429);
    expect(r.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(r.errors?.[0]?.message).toMatch(/this address/);
  });

  it('by default cannot lock another address out by naming it in X-Forwarded-For', async () => {
    const gw = await gateway({ rateLimit: { ipPoints: 2 } });
    // Requests from 127.0.0.1 naming 198.51.100.7 spend 127.0.0.1's budget, not 198.51.100.7's.
    await spoofed(gw, '198.51.100.7');
    await spoofed(gw, '198.51.100.7');
    await expect(gw.rateLimits.consumeIp('198.51.100.7')).resolves.toBeUndefined();
  });

  it('believes X-Forwarded-For from a configured hop count', async () => {
    const gw = await gateway({ rateLimit: { ipPoints: 2 }, trustProxy: 1 });
    for (let i = 0; i < 4; i++) expect((await spoofed(gw, `203.0.113.${i}`)).status).toBe(200);
  });
});

describe('per-user budgets under the tenant budget', () => {
  it('stops one user at their own budget while another user of the same tenant goes on', async () => {
    const gw = await gateway({ rateLimit: { tenantPoints: 10, userPoints: 3 } });
    const alice = bearer(await keys.token('shared-t', { userId: 'alice' }));
    const bob = bearer(await keys.token('shared-t', { userId: 'bob' }));
    for (let i = 0; i < 3; i++) expect((await gql(gw.url, '{ __typename }', undefined, alice)).status).toBe(200);
    const limited = await gql(gw.url, '{ __typename }', undefined, alice);
    expect(limited.status).toBe(429);
    expect(limited.errors?.[0]?.message).toMatch(/this user/);
    expect((await gql(gw.url, '{ __typename }', undefined, bob)).status).toBe(200);
  });
});

describe('metrics', () => {
  it('labels operations by schema root field, never by client-chosen names (bounded series)', async () => {
    const gw = await gateway();
    const auth = bearer(await keys.token('metrics-t'));
    const base = gw.url.replace(/\/graphql$/, '');
    const before = (await (await fetch(`${base}/metrics`)).text()).length;
    for (let i = 0; i < 200; i++) await gql(gw.url, `query Made_up_${i} { __typename }`, undefined, auth);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).not.toMatch(/Made_up_/);
    expect(text).toMatch(/graphql_operation_duration_seconds_count\{[^}]*operation="query:__typename"/);
    // 200 made-up names used to add ~4 KB each; now the page grows by one label's histogram.
    expect(text.length - before).toBeLessThan(20_000);
  });

  it('requires the metrics token when one is configured', async () => {
    const gw = await gateway({ metricsToken: 'scrape-token-0123456789' });
    const base = gw.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const ok = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/http_request_duration_seconds/);
  });
});
