// The lean subgraph send path (data-source.ts + subgraph-fetch.ts) against Apollo's own
// sendRequest over the previous WHATWG `Response` fetcher, on a real HTTP server standing in for a
// subgraph: the same request on the wire and the same answer or error for every kind of reply; no
// node-fetch Request built; the startup check refusing changed Apollo internals; and, through the
// real gateway, headers and trace context forwarded and deduplicated callers each getting their data.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { bearer, eventually, gql, testKeys } from '@commonhold/testing';
import { APOLLO_INTERNALS, assertApolloInternals, fingerprint, ForwardingDataSource, type GatewayContext } from '../src/data-source';
import { dedupingFetch } from '../src/dedupe';
import type { RunningGateway } from '../src/gateway';
import { fundraisingOnlyGateway } from './support/fundraising-gateway';
import { ReplyHeaders, SubgraphReply, subgraphFetch } from '../src/subgraph-fetch';
import { dirname } from 'node:path';
// The node-fetch (v2) @apollo/gateway itself loads (the workspace root has another major).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeFetch = require(require.resolve('node-fetch', { paths: [dirname(require.resolve('@apollo/gateway'))] })) as { Request: new (...args: unknown[]) => unknown };

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}
interface Canned {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A subgraph that records what it receives and answers what the test sets (held until released when asked). */
async function scriptedSubgraph() {
  const seen: Seen[] = [];
  let canned: Canned = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"data":{}}' };
  let hold = false;
  const held: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { host: _h, connection: _c, ...headers } = req.headers as Record<string, string>;
      seen.push({ method: req.method!, url: req.url!, headers, body: Buffer.concat(chunks).toString('utf8') });
      const reply = canned;
      const send = () => res.writeHead(reply.status, reply.headers).end(reply.body);
      if (hold) held.push(send);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    seen,
    answer: (c: Partial<Canned> & { body: string }) => void (canned = { status: 200, headers: { 'content-type': 'application/json' }, ...c }),
    hold: (on: boolean) => void (hold = on),
    held: () => held.length,
    release: () => held.splice(0).forEach((send) => send()),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The fetcher the gateway used before: the same socket code, answered as a WHATWG `Response`. */
const whatwgFetcher = async (url: string, init: { method?: string; headers?: Record<string, string>; body?: string }) => {
  const r = await subgraphFetch(url, init);
  const nullBody = r.status === 204 || r.status === 205 || r.status === 304;
  const res = new Response(nullBody ? null : await r.arrayBuffer(), { status: r.status, statusText: r.statusText, headers: [...r.headers] });
  Object.defineProperty(res, 'url', { value: r.url });
  return res;
};

const context: GatewayContext = {
  principal: { tenantId: 't-1', userId: 'u-1' } as GatewayContext['principal'],
  authorization: 'Bearer abc',
  requestId: 'req-1',
  traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
};

/** One fetch through a data source: its result, or the error it threw (as plain data), and the cache hints it gave. */
async function run(source: RemoteGraphQLDataSource<GatewayContext>) {
  const hints: unknown[] = [];
  const options = {
    kind: 'incoming operation', // GraphQLDataSourceRequestKind.INCOMING_OPERATION (a const enum)
    request: { query: 'query Q($id:ID!){gift(id:$id){id}}', operationName: 'Q', variables: { id: 'g-1' } },
    incomingRequestContext: { overallCachePolicy: { restrict: (h: unknown) => void hints.push(h) } },
    context,
    document: undefined,
    pathInIncomingRequest: undefined,
  } as unknown as Parameters<RemoteGraphQLDataSource<GatewayContext>['process']>[0];
  try {
    const { http: httpPart, ...result } = await source.process(options);
    return { result, status: httpPart?.status, cacheControl: httpPart?.headers.get('cache-control'), hints };
  } catch (err) {
    const e = err as Error & { extensions?: unknown };
    return { error: { name: e.constructor.name, message: e.message, extensions: e.extensions }, hints };
  }
}

let subgraph: Awaited<ReturnType<typeof scriptedSubgraph>>;
beforeAll(async () => {
  subgraph = await scriptedSubgraph();
});
afterAll(() => subgraph.close());

describe('the lean send path does what Apollo sendRequest did', () => {
  const lean = () => new ForwardingDataSource({ url: subgraph.url, send: subgraphFetch });
  const stock = () => {
    const s = new ForwardingDataSource({ url: subgraph.url, send: subgraphFetch });
    Object.defineProperty(s, 'sendRequest', { value: RemoteGraphQLDataSource.prototype['sendRequest' as keyof RemoteGraphQLDataSource] });
    s.fetcher = whatwgFetcher as never;
    return s;
  };

  it.each<[string, Partial<Canned> & { body: string }]>([
    ['a JSON answer (with a cache-control hint)', { headers: { 'content-type': 'application/json', 'cache-control': 'max-age=60, private' }, body: '{"data":{"gift":{"id":"g-1"}}}' }],
    ['GraphQL errors with status 200', { body: '{"data":{"gift":null},"errors":[{"message":"nope","path":["gift"],"extensions":{"code":"NOT_FOUND","field":"id"}}]}' }],
    ['application/graphql-response+json', { headers: { 'content-type': 'application/graphql-response+json; charset=utf-8' }, body: '{"data":{"gift":{"id":"g-1"}}}' }],
    ['a 400 carrying GraphQL errors (passed on as the answer)', { status: 400, body: '{"errors":[{"message":"bad id","extensions":{"code":"BAD_USER_INPUT","field":"id"}}]}' }],
    ['a 500 in plain text', { status: 500, headers: { 'content-type': 'text/plain' }, body: 'boom' }],
    ['a 401 JSON without GraphQL errors', { status: 401, body: '{"message":"who are you"}' }],
    ['a 403 JSON with an empty errors list', { status: 403, body: '{"errors":[]}' }],
    ['a 503 with no content type', { status: 503, headers: {}, body: 'overloaded' }],
    ['a 200 that is not JSON', { headers: { 'content-type': 'text/html' }, body: '<html>proxy page</html>' }],
    ['a JSON array', { body: '[1,2]' }],
    ['JSON that does not parse', { body: '{"data":' }],
    ['a 204', { status: 204, headers: {}, body: '' }],
    ['a UTF-8 BOM and non-ASCII text', { body: '\uFEFF{"data":{"gift":{"id":"ü-€-😀"}}}' }],
    ['a public max-age hint', { headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=30' }, body: '{"data":{}}' }],
  ])('the same request and outcome for %s', async (_name, reply) => {
    subgraph.answer(reply);
    subgraph.seen.length = 0;
    const ours = await run(lean());
    const theirs = await run(stock());
    expect(ours).toEqual(theirs);
    const [a, b] = subgraph.seen;
    expect(subgraph.seen).toHaveLength(2);
    expect(a).toEqual(b); // method, path, every header, body: byte for byte
    expect(a!.method).toBe('POST');
    expect(a!.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer abc', 'x-request-id': 'req-1', traceparent: context.traceparent });
    expect(JSON.parse(a!.body)).toEqual({ query: 'query Q($id:ID!){gift(id:$id){id}}', operationName: 'Q', variables: { id: 'g-1' } });
  });

  it('gives the same answers as above (the comparison is not vacuous)', async () => {
    subgraph.answer({ headers: { 'content-type': 'application/json', 'cache-control': 'max-age=60, private' }, body: '{"data":{"gift":{"id":"g-1"}}}' });
    expect(await run(lean())).toEqual({ result: { data: { gift: { id: 'g-1' } } }, status: 200, cacheControl: 'max-age=60, private', hints: [{ maxAge: 60, scope: 'PRIVATE' }] });
    subgraph.answer({ status: 401, body: '{"message":"who are you"}' });
    expect(await run(lean())).toMatchObject({ error: { message: '401: Unauthorized', extensions: { code: 'UNAUTHENTICATED', response: { status: 401, body: { message: 'who are you' }, url: subgraph.url } } } });
    subgraph.answer({ status: 400, body: '{"errors":[{"message":"bad id","extensions":{"code":"BAD_USER_INPUT","field":"id"}}]}' });
    expect(await run(lean())).toMatchObject({ result: { errors: [{ message: 'bad id', extensions: { code: 'BAD_USER_INPUT', field: 'id' } }] }, status: 200 });
  });

  it('a refused connection fails the same way', async () => {
    const closed = 'http://127.0.0.1:9/graphql';
    const a = new ForwardingDataSource({ url: closed, send: subgraphFetch });
    const b = stock();
    b.url = closed;
    const [ours, theirs] = [await run(a), await run(b)];
    expect(ours).toEqual(theirs);
    expect(ours.error?.message).toMatch(/ECONNREFUSED/);
  });

  it('builds no node-fetch Request (Apollo built one per fetch)', async () => {
    subgraph.answer({ body: '{"data":{}}' });
    const spy = jest.spyOn(nodeFetch, 'Request');
    try {
      await run(stock());
      expect(spy).toHaveBeenCalledTimes(1); // the spy sees Apollo's construction
      spy.mockClear();
      await run(lean());
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('SubgraphReply', () => {
  it('answers ok/status/headers/json/text like a Response, each json() a fresh object, clones independent', async () => {
    const r = new SubgraphReply(201, 'Created', ReplyHeaders.fromRaw(['Content-Type', 'application/json', 'Set-Cookie', 'a=1', 'set-cookie', 'b=2']), Buffer.from('{"x":[1]}'), 'http://s/graphql');
    expect(r.ok).toBe(true);
    expect(new SubgraphReply(404, '', ReplyHeaders.fromRaw([]), null, '').ok).toBe(false);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.headers.get('SET-COOKIE')).toBe('a=1, b=2');
    expect(r.headers.get('missing')).toBeNull();
    const a = (await r.json()) as { x: number[] };
    a.x.push(2);
    expect(await r.json()).toEqual({ x: [1] });
    expect(await r.text()).toBe('{"x":[1]}');
    const c = r.clone();
    c.headers.set('content-type', 'text/plain');
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(await c.text()).toBe('{"x":[1]}');
    const bytes = new Uint8Array(await r.arrayBuffer());
    bytes[0] = 0;
    expect(await r.text()).toBe('{"x":[1]}'); // arrayBuffer() is a copy
  });

  it('deduplicated waiters get their own reply objects over one request', async () => {
    subgraph.answer({ body: '{"data":{"n":1}}' });
    subgraph.hold(true);
    try {
      subgraph.seen.length = 0;
      const d = dedupingFetch(subgraphFetch);
      const init = { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer a' }, body: '{"query":"query{n}"}' };
      const calls = [d.fetch(subgraph.url, init), d.fetch(subgraph.url, init), d.fetch(subgraph.url, init)];
      await eventually(async () => subgraph.held() === 1 || undefined);
      subgraph.release();
      const replies = await Promise.all(calls);
      expect(subgraph.seen).toHaveLength(1);
      expect(new Set(replies).size).toBe(3);
      const parsed = await Promise.all(replies.map((r) => r.json()));
      expect(parsed).toEqual([{ data: { n: 1 } }, { data: { n: 1 } }, { data: { n: 1 } }]);
      expect(parsed[0]).not.toBe(parsed[1]);
      expect(d.inflight()).toBe(0);
    } finally {
      subgraph.hold(false);
    }
  });
});

describe('the startup check on Apollo internals', () => {
  it('passes on the installed @apollo/gateway and the data source really replaces sendRequest', () => {
    expect(() => assertApolloInternals()).not.toThrow();
    const proto = ForwardingDataSource.prototype as unknown as Record<string, unknown>;
    const base = RemoteGraphQLDataSource.prototype as unknown as Record<string, unknown>;
    expect(proto.sendRequest).not.toBe(base.sendRequest);
    expect(Object.keys(APOLLO_INTERNALS).sort()).toEqual(['didEncounterError', 'errorFromResponse', 'parseBody', 'process', 'respond', 'sendRequest']);
  });

  it('fails loudly, naming the method, when one it relies on has changed or is gone', () => {
    const changed = Object.create(RemoteGraphQLDataSource.prototype) as Record<string, unknown>;
    changed.sendRequest = async function sendRequest() {
      return {};
    };
    expect(() => assertApolloInternals(changed)).toThrow(/RemoteGraphQLDataSource changed \(sendRequest\)/);
    const gone = Object.create(RemoteGraphQLDataSource.prototype) as Record<string, unknown>;
    gone.respond = undefined;
    expect(() => assertApolloInternals(gone)).toThrow(/changed \(respond\)/);
    // Whitespace alone is not a change.
    const base = RemoteGraphQLDataSource.prototype as unknown as Record<string, unknown>;
    expect(fingerprint(base.parseBody)).toBe(APOLLO_INTERNALS.parseBody);
  });
});

describe('through the gateway', () => {
  let gw: RunningGateway;
  let keys: Awaited<ReturnType<typeof testKeys>>;
  beforeAll(async () => {
    keys = await testKeys();
    gw = await fundraisingOnlyGateway(subgraph.url, keys.jwksFile);
  });
  afterAll(() => gw?.stop());

  const GIFT = 'query Gift($id: ID!) { gift(id: $id) { id amount { amountMinor currency } } }';

  it("forwards the caller's token, the gateway's request id and the caller's trace, and returns the subgraph's data", async () => {
    subgraph.answer({ body: '{"data":{"gift":{"id":"g-9","amount":{"amountMinor":250,"currency":"GBP"}}}}' });
    subgraph.seen.length = 0;
    const token = bearer(await keys.token('fetch-tenant'));
    const traceId = randomBytes(16).toString('hex');
    const r = await gql(gw.url, GIFT, { id: 'g-9' }, { ...token, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ gift: { id: 'g-9', amount: { amountMinor: 250, currency: 'GBP' } } });
    expect(subgraph.seen).toHaveLength(1);
    const h = subgraph.seen[0]!.headers;
    expect(h.authorization).toBe(token.authorization);
    expect(h['x-request-id']).toBe(r.headers.get('x-request-id'));
    expect(h.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(h['content-type']).toBe('application/json');
  });

  it("passes a subgraph's typed error on, and maps an unreachable answer to SERVICE_UNAVAILABLE", async () => {
    const token = bearer(await keys.token('fetch-tenant'));
    subgraph.answer({ status: 400, body: '{"errors":[{"message":"id must be a gift id","path":["gift"],"extensions":{"code":"BAD_USER_INPUT","field":"id"}}]}' });
    const bad = await gql(gw.url, GIFT, { id: 'x' }, token);
    expect(bad.errors?.[0]).toMatchObject({ message: 'id must be a gift id', extensions: { code: 'BAD_USER_INPUT', field: 'id' } });
    subgraph.answer({ status: 503, headers: { 'content-type': 'text/plain' }, body: 'down' });
    const down = await gql(gw.url, GIFT, { id: 'g-1' }, token);
    expect(down.status).toBe(503);
    expect(down.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
  });
});
