// The front door as a client, a browser app and a careless caller meet it: GraphQL-over-HTTP
// conformance (graphql-http's own audit suite), client mistakes as 4xx JSON GraphQL errors (never
// 500, never HTML or a stack trace), on the gateway and on a subgraph reached directly.
import { randomBytes } from 'node:crypto';
import { auditServer } from 'graphql-http';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';

const tenant = () => `http-${randomBytes(4).toString('hex')}`;

describe('HTTP front door', () => {
  let platform: TestPlatform;
  let token: string;
  let targets: [string, string][];

  beforeAll(async () => {
    platform = await startTestPlatform({ transport: 'in-process' });
    token = await platform.token(tenant());
    targets = [
      ['gateway', platform.gateway.url],
      ['fundraising subgraph', platform.services.fundraising!.url],
    ];
  });
  afterAll(async () => {
    await platform?.stop();
  });

  /** fetch with the caller's bearer token (every endpoint refuses anonymous calls). */
  const authedFetch = (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };

  it.each(['gateway', 'fundraising subgraph'])('%s passes the graphql-http audit with no warnings or errors', async (name) => {
    const url = targets.find(([n]) => n === name)![1];
    const results = await auditServer({ url, fetchFn: authedFetch });
    const failures = results.filter((r) => r.status !== 'ok').map((r) => ({ id: r.id, name: r.name, status: r.status, reason: 'reason' in r ? r.reason : undefined }));
    expect(failures.filter((f) => f.status !== 'notice')).toEqual([]);
    // Notices only where a documented security choice requires: Apollo's CSRF prevention refuses
    // simple GETs (no content-type, no preflight-forcing header), which these three MAYs send.
    const CSRF_PREVENTION_NOTICES = ['5A70', 'D6D5', '6A70'];
    expect(failures.map((f) => f.id).sort()).toEqual([...CSRF_PREVENTION_NOTICES].sort());
    expect(results.length).toBeGreaterThanOrEqual(50);
  });

  describe.each(['gateway', 'fundraising subgraph'])('%s', (name) => {
    const url = () => targets.find(([n]) => n === name)![1];
    const post = async (body: string, headers: Record<string, string> = {}) => {
      const res = await authedFetch(url(), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers }, body });
      const text = await res.text();
      return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json: (() => { try { return JSON.parse(text) as { errors?: { message: string; extensions?: Record<string, unknown> }[] }; } catch { return undefined; } })() };
    };
    const expectCleanJsonError = (r: Awaited<ReturnType<typeof post>>, status: number, code: string) => {
      expect(r.status).toBe(status);
      expect(r.contentType).toMatch(/json/);
      expect(r.text).not.toMatch(/<html|<pre|at .*\.(js|ts):\d+|node_modules|\/work\//i);
      expect(r.json?.errors?.[0]?.extensions?.code).toBe(code);
    };

    it('answers a syntax error with 400 BAD_USER_INPUT', async () => {
      expectCleanJsonError(await post('{"query":"{"}'), 400, 'BAD_USER_INPUT');
    });

    it('answers a validation error with 400 BAD_USER_INPUT', async () => {
      expectCleanJsonError(await post(JSON.stringify({ query: '{ noSuchField }' })), 400, 'BAD_USER_INPUT');
    });

    it('answers malformed JSON with a 400 JSON GraphQL error', async () => {
      expectCleanJsonError(await post('{"query": "{ __typename }"'), 400, 'BAD_USER_INPUT');
    });

    it('answers an oversize body with a 413 JSON GraphQL error', async () => {
      const huge = JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(1_100_000) } });
      expectCleanJsonError(await post(huge), 413, 'BAD_USER_INPUT');
    });

    it('sets security headers (helmet) and answers a localhost browser app\'s preflight (CORS)', async () => {
      const res = await fetch(url(), { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' } });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      const evil = await fetch(url(), { method: 'OPTIONS', headers: { origin: 'https://evil.example.org', 'access-control-request-method': 'POST' } });
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
      const r = await post(JSON.stringify({ query: '{ __typename }' }));
      expect(r.status).toBe(200);
      const h = await authedFetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      expect(h.headers.get('x-content-type-options')).toBe('nosniff');
      expect(h.headers.get('strict-transport-security')).toMatch(/max-age=/);
    });

    it('does not label a limit error as a syntax error', async () => {
      const deep = `{ ${'a { '.repeat(40)}b${' }'.repeat(40)} }`;
      const r = await post(JSON.stringify({ query: deep }));
      expect(r.status).toBe(400);
      for (const e of r.json?.errors ?? []) expect(e.message).not.toMatch(/^Syntax Error: .*limit/i);
    });
  });
});
