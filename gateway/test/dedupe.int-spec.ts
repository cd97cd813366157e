// In-flight deduplication through the real gateway: a real HTTP server stands in for the
// fundraising subgraph, counts every request it receives and holds the replies until the test
// releases them, so "concurrent" is certain rather than a matter of timing.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearer, eventually, gql, testKeys, type GqlResult } from '@commonhold/testing';
import type { RunningGateway } from '../src/gateway';
import { fundraisingOnlyGateway } from './support/fundraising-gateway';

type Keys = Awaited<ReturnType<typeof testKeys>>;

interface Held {
  body: { query: string; variables?: Record<string, unknown> };
  authorization: string;
  res: http.ServerResponse;
}

/** What the subgraph answers for a token: the answer depends on who asks. */
const amountFor = (authorization: string) => createHash('sha256').update(authorization).digest().readUInt16BE(0);

/** A subgraph HTTP server that answers `gift` and `createContact`, or fails on demand. */
async function holdingSubgraph() {
  const held: Held[] = [];
  let received = 0;
  let fail = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received++;
      held.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), authorization: String(req.headers.authorization ?? ''), res });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const answer = ({ body, authorization, res }: Held) => {
    if (fail) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('subgraph overloaded');
      return;
    }
    const data = /createContact/.test(body.query)
      ? { createContact: { contact: { id: `c-${received}` } } }
      : { gift: { id: body.variables?.id, amount: { amountMinor: amountFor(authorization), currency: 'GBP' } } };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    received: () => received,
    held: () => held.length,
    failNext: () => void (fail = true),
    /** Answers everything held (failing all of it after failNext()). */
    release() {
      for (const h of held.splice(0)) answer(h);
      fail = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let keys: Keys;
let subgraph: Awaited<ReturnType<typeof holdingSubgraph>>;
const running: RunningGateway[] = [];

async function gateway(dedupe?: boolean): Promise<RunningGateway> {
  const gw = await fundraisingOnlyGateway(subgraph.url, keys.jwksFile, dedupe === undefined ? {} : { dedupeSubgraphFetches: dedupe });
  running.push(gw);
  return gw;
}

async function dedupedCount(gw: RunningGateway): Promise<number> {
  const text = await (await fetch(gw.url.replace('/graphql', '/metrics'))).text();
  const m = /^subgraph_fetches_deduplicated_total\{[^}]*subgraph="fundraising"[^}]*\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

const GIFT = 'query Gift($id: ID!) { gift(id: $id) { id amount { amountMinor currency } } }';
const CREATE = 'mutation Create($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }';

beforeAll(async () => {
  keys = await testKeys();
  subgraph = await holdingSubgraph();
});
afterAll(async () => {
  for (const gw of running) await gw.stop();
  await subgraph?.close();
});

describe('subgraph fetch deduplication (on by default)', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await gateway();
  });

  it('sends concurrent identical queries upstream once and gives every caller the answer', async () => {
    const token = bearer(await keys.token('dedupe-tenant'));
    const before = subgraph.received();
    const dedupedBefore = await dedupedCount(gw);
    const calls = Array.from({ length: 8 }, () => gql(gw.url, GIFT, { id: 'g-1' }, token));
    // All eight are waiting at the gateway (one upstream, seven joined it) before the subgraph answers.
    await eventually(async () => (subgraph.held() === 1 && (await dedupedCount(gw)) - dedupedBefore === 7) || undefined);
    subgraph.release();
    const results = await Promise.all(calls);
    expect(subgraph.received() - before).toBe(1);
    for (const r of results) {
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ gift: { id: 'g-1', amount: { amountMinor: amountFor(token.authorization), currency: 'GBP' } } });
    }
    expect(gw.inflightSubgraphFetches()).toBe(0); // nothing kept once the reply is in
  });

  it('never lets callers with different tokens share a request', async () => {
    const tokens = await Promise.all(['t-a', 't-b', 't-c'].map(async (t) => bearer(await keys.token(t))));
    const before = subgraph.received();
    const dedupedBefore = await dedupedCount(gw);
    // Two callers per token: each pair shares one request, the tokens never do.
    const calls = tokens.flatMap((t) => [gql(gw.url, GIFT, { id: 'g-2' }, t), gql(gw.url, GIFT, { id: 'g-2' }, t)]);
    await eventually(async () => (subgraph.held() === 3 && (await dedupedCount(gw)) - dedupedBefore === 3) || undefined);
    subgraph.release();
    const results = await Promise.all(calls);
    expect(subgraph.received() - before).toBe(3);
    results.forEach((r: GqlResult, i) => {
      expect(r.errors).toBeUndefined();
      expect(r.data.gift.amount.amountMinor).toBe(amountFor(tokens[Math.floor(i / 2)]!.authorization));
    });
    expect(new Set(tokens.map((t) => amountFor(t.authorization))).size).toBe(3); // the answers really differ
    expect(gw.inflightSubgraphFetches()).toBe(0);
  });

  it('never deduplicates mutations, even identical ones', async () => {
    const token = bearer(await keys.token('dedupe-tenant'));
    const before = subgraph.received();
    const input = { firstName: 'Ada', lastName: 'Same', email: 'ada@example.org', idempotencyKey: 'same-key-1' };
    const calls = Array.from({ length: 4 }, () => gql(gw.url, CREATE, { input }, token));
    await eventually(async () => subgraph.held() === 4 || undefined);
    subgraph.release();
    const results = await Promise.all(calls);
    expect(subgraph.received() - before).toBe(4);
    for (const r of results) expect(r.errors).toBeUndefined();
  });

  it('gives every waiter the upstream error, then forgets it (the next call goes upstream again)', async () => {
    const token = bearer(await keys.token('dedupe-tenant'));
    const before = subgraph.received();
    const dedupedBefore = await dedupedCount(gw);
    const calls = Array.from({ length: 5 }, () => gql(gw.url, GIFT, { id: 'g-3' }, token));
    await eventually(async () => (subgraph.held() === 1 && (await dedupedCount(gw)) - dedupedBefore === 4) || undefined);
    subgraph.failNext();
    subgraph.release();
    const results = await Promise.all(calls);
    expect(subgraph.received() - before).toBe(1);
    for (const r of results) {
      expect(r.data).toEqual({ gift: null });
      // The subgraph's 503 is "unreachable" to the gateway (unavailable.ts): every waiter gets the retryable code.
      expect(r.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    }
    expect(gw.inflightSubgraphFetches()).toBe(0);
    const again = gql(gw.url, GIFT, { id: 'g-3' }, token);
    await eventually(async () => subgraph.held() === 1 || undefined);
    subgraph.release();
    expect((await again).data?.gift?.id).toBe('g-3');
    expect(subgraph.received() - before).toBe(2);
  });
});

describe('subgraph fetch deduplication turned off (DEDUPE_SUBGRAPH_FETCHES=false)', () => {
  it('sends every concurrent identical query upstream', async () => {
    const gw = await gateway(false);
    const token = bearer(await keys.token('dedupe-off'));
    const before = subgraph.received();
    const calls = Array.from({ length: 4 }, () => gql(gw.url, GIFT, { id: 'g-4' }, token));
    await eventually(async () => subgraph.held() === 4 || undefined);
    subgraph.release();
    const results = await Promise.all(calls);
    expect(subgraph.received() - before).toBe(4);
    for (const r of results) expect(r.data.gift.id).toBe('g-4');
    expect(await dedupedCount(gw)).toBe(0);
  });
});
