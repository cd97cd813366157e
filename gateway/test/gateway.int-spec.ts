// The gateway's request path on the real platform (in-process bus, real PostgreSQL): auth, query
// limits, introspection, request ids and trace context forwarded to subgraphs.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, createTokenVerifier, defaultSchemasDir, ERROR_CODES } from '@commonhold/kit';
import { bearer, gql, testKeys, type GqlResult } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { startGateway, type RunningGateway } from '../src/gateway';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const tenant = () => `gw-${randomBytes(4).toString('hex')}`;

/** Every error a client sees carries one of the codes of ARCHITECTURE §6. */
function expectKnownCodes(r: GqlResult) {
  for (const e of r.errors ?? []) expect(ERROR_CODES).toContain(e.extensions?.code);
}

/**
 * `gifts { edges { node { contact { gifts { edges { node { … leaf } } } } } } } }` with `levels`
 * contact→gifts hops: depth 3 + 4 × levels + the leaf's depth (graphql-armor's count).
 */
function deepQuery(levels: number, leaf = 'id'): string {
  let inner = leaf;
  for (let i = 0; i < levels; i++) inner = `contact { gifts { edges { node { ${inner} } } } }`;
  return `query Deep { gifts(first: 1) { edges { node { ${inner} } } } }`;
}

describe('gateway (in-process platform)', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ transport: 'in-process' });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  describe('authentication', () => {
    it.each<[string, () => Promise<Record<string, string>>]>([
      ['no authorization header', async () => ({})],
      ['a malformed bearer token', async () => ({ authorization: 'Bearer not-a-jwt' })],
      ['a token without the Bearer scheme', async () => ({ authorization: await platform.token('t1') })],
      ['a token signed by a key the platform does not trust', async () => bearer(await (await testKeys()).token('t1'))],
    ])('refuses %s with UNAUTHENTICATED and HTTP 401', async (_name, headers) => {
      const r = await gql(platform.gateway.url, '{ contacts { edges { node { id } } } }', undefined, await headers());
      expect(r.status).toBe(401);
      expect(r.data).toBeUndefined();
      expect(r.errors).toHaveLength(1);
      expect(r.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    });

    it('answers a valid token', async () => {
      const r = await platform.as(tenant())('{ contacts { edges { node { id } } pageInfo { hasNextPage } } }');
      expect(r.status).toBe(200);
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ contacts: { edges: [], pageInfo: { hasNextPage: false } } });
    });
  });

  describe('query limits (graphql-armor)', () => {
    it('accepts a query exactly at the depth limit (12)', async () => {
      const r = await platform.as(tenant())(deepQuery(2));
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ gifts: { edges: [] } });
    });

    it('refuses one level over the limit (13)', async () => {
      const r = await platform.as(tenant())(deepQuery(2, 'contact { id }'));
      expect(r.status).toBe(400);
      // A limit refusal says what it is (graphql-armor labels it "Syntax Error:"; the query parsed).
      expect(r.errors?.map((e) => e.message)).toContain('Query depth limit of 12 exceeded, found 13.');
    });

    it('refuses a query deeper than the limit (12) as BAD_USER_INPUT without running it', async () => {
      const r = await platform.as(tenant())(deepQuery(4));
      expect(r.status).toBe(400);
      expect(r.data).toBeUndefined();
      expectKnownCodes(r);
      const depth = r.errors!.find((e) => /depth limit of 12 exceeded/.test(e.message));
      expect(depth).toBeDefined();
      expect(depth!.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' });
    });

    it('refuses more aliases than the limit (15) as BAD_USER_INPUT', async () => {
      const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: contacts(first: 1) { pageInfo { hasNextPage } }`).join('\n');
      const r = await platform.as(tenant())(`query Many { ${aliases} }`);
      expect(r.status).toBe(400);
      expect(r.data).toBeUndefined();
      expectKnownCodes(r);
      const tooMany = r.errors!.find((e) => /Aliases limit of 15 exceeded/i.test(e.message));
      expect(tooMany).toBeDefined();
      expect(tooMany!.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' });
    });

    it('accepts exactly the alias limit', async () => {
      const aliases = Array.from({ length: 15 }, (_, i) => `a${i}: contacts(first: 1) { pageInfo { hasNextPage } }`).join('\n');
      const r = await platform.as(tenant())(`query Fifteen { ${aliases} }`);
      expect(r.errors).toBeUndefined();
      expect(Object.keys(r.data ?? {})).toHaveLength(15);
    });

    it('names the offending input field of a mistyped variable', async () => {
      const r = await platform.as(tenant())(
        'mutation Gift($input: RecordGiftInput!) { recordGift(input: $input) { gift { id } } }',
        { input: { contactId: randomUUID(), amount: { amountMinor: 12.5, currency: 'GBP' }, receivedAt: '2026-11-22T10:15:00Z', idempotencyKey: 'k1' } },
      );
      expect(r.status).toBe(400);
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount.amountMinor' });
    });
  });

  describe('input errors from subgraphs', () => {
    const recordGift = 'mutation Gift($input: RecordGiftInput!) { recordGift(input: $input) { gift { id } } }';
    const input = (overrides: Record<string, unknown>) => ({ contactId: randomUUID(), amount: { amountMinor: 500, currency: 'GBP' }, receivedAt: '2026-11-22T10:15:00Z', idempotencyKey: randomUUID(), ...overrides });

    it.each<[string, Record<string, unknown>, string]>([
      ['a DateTime without a zone', { receivedAt: '2026-11-22T10:15:00' }, 'input.receivedAt'],
      ['a DateTime that is not a date', { receivedAt: 'yesterday' }, 'input.receivedAt'],
      ['an unknown currency', { amount: { amountMinor: 500, currency: 'XXZ' } }, 'input.amount.currency'],
      ['a negative amount', { amount: { amountMinor: -5, currency: 'GBP' } }, 'input.amount.amountMinor'],
    ])('reports %s as BAD_USER_INPUT naming the field', async (_name, overrides, field) => {
      const r = await platform.as(tenant())(recordGift, { input: input(overrides) });
      expect(r.data?.recordGift ?? null).toBeNull();
      expectKnownCodes(r);
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    });

    it('reports a DateTime literal without a zone as BAD_USER_INPUT', async () => {
      const r = await platform.as(tenant())(
        `mutation { recordGift(input: { contactId: "${randomUUID()}", amount: { amountMinor: 1, currency: "GBP" }, receivedAt: "2026-11-22", idempotencyKey: "lit-1" }) { gift { id } } }`,
      );
      expect(r.data?.recordGift ?? null).toBeNull();
      expectKnownCodes(r);
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0]?.message).toMatch(/ISO 8601 instant/);
    });
  });

  describe('introspection', () => {
    it('is answered outside production', async () => {
      const r = await platform.as(tenant())('{ __schema { queryType { name } mutationType { name } } }');
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ __schema: { queryType: { name: 'Query' }, mutationType: { name: 'Mutation' } } });
    });

    it('suggests field names outside production', async () => {
      const r = await platform.as(tenant())('{ contactz { edges { node { id } } } }');
      expect(r.errors?.[0]?.message).toMatch(/Did you mean "contacts?"/);
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('request ids and trace context', () => {
    const createContact = 'mutation C($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }';
    const audit = '{ q: fundraisingAuditEvents(entityId: $id) { edges { node { action entityId traceId requestId } } } }';
    const auditOf = async (t: string, id: string) =>
      (await platform.as(t)(audit.replace('{ q:', 'query A($id: ID!) { q:'), { id })).data?.q.edges.map((e: { node: unknown }) => e.node);

    it('echoes the caller x-request-id apart, as x-client-request-id, and assigns its own', async () => {
      const r = await platform.as(tenant())('{ contacts { pageInfo { hasNextPage } } }', undefined, { 'x-request-id': 'client-req-42' });
      expect(r.headers.get('x-client-request-id')).toBe('client-req-42');
      expect(r.headers.get('x-request-id')).toMatch(UUID);
    });

    it('assigns an x-request-id when the caller sends none', async () => {
      const a = await platform.as(tenant())('{ contacts { pageInfo { hasNextPage } } }');
      const b = await platform.as(tenant())('{ contacts { pageInfo { hasNextPage } } }');
      expect(a.headers.get('x-request-id')).toMatch(UUID);
      expect(b.headers.get('x-request-id')).toMatch(UUID);
      expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
    });

    it('echoes the request id on refused requests too', async () => {
      const r = await gql(platform.gateway.url, '{ contacts { pageInfo { hasNextPage } } }', undefined, { 'x-request-id': 'refused-1' });
      expect(r.status).toBe(401);
      expect(r.headers.get('x-client-request-id')).toBe('refused-1');
      expect(r.headers.get('x-request-id')).toMatch(UUID);
    });

    it('forwards its own request id (never a client-sent one) and the W3C trace id to the subgraph (seen in the audit trail)', async () => {
      const t = tenant();
      const traceId = randomBytes(16).toString('hex');
      const requestId = `req-${randomUUID()}`;
      const r = await platform.as(t)(
        createContact,
        { input: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.org', idempotencyKey: randomUUID() } },
        { 'x-request-id': requestId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      );
      expect(r.errors).toBeUndefined();
      expect(r.headers.get('x-client-request-id')).toBe(requestId);
      const ours = r.headers.get('x-request-id');
      expect(ours).toMatch(UUID);
      const id = r.data.createContact.contact.id as string;
      expect(await auditOf(t, id)).toEqual([{ action: 'contact.created', entityId: id, traceId, requestId: ours }]);
    });

    it('forwards the request id it assigned, and a fresh trace, when the caller sends neither', async () => {
      const t = tenant();
      const r = await platform.as(t)(createContact, { input: { firstName: 'Alan', lastName: 'Turing', idempotencyKey: randomUUID() } });
      expect(r.errors).toBeUndefined();
      const [event] = await auditOf(t, r.data.createContact.contact.id);
      expect(event.requestId).toBe(r.headers.get('x-request-id'));
      expect(event.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(event.traceId).not.toBe('0'.repeat(32));
    });

    it('starts a new trace for a malformed traceparent instead of trusting it', async () => {
      const t = tenant();
      const r = await platform.as(t)(createContact, { input: { firstName: 'Mary', lastName: 'Somerville', idempotencyKey: randomUUID() } }, { traceparent: '00-zzzz-not-valid' });
      expect(r.errors).toBeUndefined();
      const [event] = await auditOf(t, r.data.createContact.contact.id);
      expect(event.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(event.traceId).not.toBe('0'.repeat(32));
    });
  });
});

describe('gateway in production mode', () => {
  let gateway: RunningGateway;
  let token: string;

  beforeAll(async () => {
    const keys = await testKeys();
    token = await keys.token('prod-tenant');
    gateway = await startGateway({
      port: 0,
      host: '127.0.0.1',
      supergraphSdl: readFileSync(join(defaultSchemasDir(), 'supergraph.graphql'), 'utf8'),
      // Nothing listens here: introspection and validation are answered by the gateway alone.
      subgraphUrls: { fundraising: 'http://127.0.0.1:9/graphql', volunteers: 'http://127.0.0.1:9/graphql' },
      verifyToken: createTokenVerifier({ jwksFile: keys.jwksFile, issuer: 'commonhold-identity', audience: 'commonhold' }),
      production: true,
      log: createLogger('gateway', 'silent'),
    });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it.each([
    ['__schema', '{ __schema { queryType { name } } }'],
    ['__type', '{ __type(name: "Contact") { fields { name } } }'],
  ])('refuses introspection (%s) as BAD_USER_INPUT', async (_name, query) => {
    const r = await gql(gateway.url, query, undefined, bearer(token));
    expect(r.status).toBe(400);
    expect(r.data).toBeUndefined();
    expect(r.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
    expect(r.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' });
  });

  it('still answers __typename (not introspection of the schema)', async () => {
    const r = await gql(gateway.url, '{ __typename }', undefined, bearer(token));
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ __typename: 'Query' });
  });

  it('does not leak field names through suggestions', async () => {
    const r = await gql(gateway.url, '{ contactz { edges { node { id } } } }', undefined, bearer(token));
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('reports an unreachable subgraph as retryable SERVICE_UNAVAILABLE (503) without details', async () => {
    const r = await gql(gateway.url, '{ contacts { edges { node { id } } } }', undefined, bearer(token));
    expect(r.status).toBe(503);
    expect(r.data).toBeUndefined();
    expect(r.errors).toEqual([
      {
        message: 'The fundraising service is unavailable; retry the request (with the same idempotency key for a mutation)',
        path: ['contacts'],
        extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, serviceName: 'fundraising' },
      },
    ]);
    expect(JSON.stringify(r.errors)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|http:/);
  });

  it('still requires a token', async () => {
    const r = await gql(gateway.url, '{ __typename }');
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });
});
