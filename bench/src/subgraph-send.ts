/**
 * `node --import tsx bench/src/subgraph-send.ts [fetches per round] [rounds]`: the gateway's subgraph
 * send path alone, A/B in one process — Apollo's own `sendRequest` (a node-fetch `Request` per
 * fetch, the reply as a WHATWG `Response`, as the gateway fetched before) against the lean path
 * (gateway/src/data-source.ts: no `Request`, the reply a `SubgraphReply`). The subgraph is a
 * separate process answering a fixed JSON body, so the figures are this process's CPU (and GC)
 * per fetch only (`process.cpuUsage`), which other load on the machine disturbs far less than
 * throughput. 8 fetches in flight, rounds alternating; prints one JSON object.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PerformanceObserver } from 'node:perf_hooks';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { ForwardingDataSource, type GatewayContext } from '../../gateway/src/data-source';
import { subgraphFetch } from '../../gateway/src/subgraph-fetch';

if (process.argv[2] === '--serve') {
  const body = JSON.stringify({ data: { gift: { id: 'g-1', amount: { amountMinor: 2500, currency: 'GBP' }, contact: { __typename: 'Contact', id: 'c-1' } } } });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  });
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as AddressInfo).port));
} else {
  void main();
}

/** What the gateway fetched with before: the same sockets, the reply wrapped in a WHATWG Response. */
async function whatwgFetch(url: string, init: Parameters<typeof subgraphFetch>[1]) {
  const r = await subgraphFetch(url, init);
  const res = new Response(await r.arrayBuffer(), { status: r.status, statusText: r.statusText, headers: [...r.headers] });
  Object.defineProperty(res, 'url', { value: r.url });
  return res;
}

async function main() {
  const perRound = Number(process.argv[2] ?? 3000);
  const rounds = Number(process.argv[3] ?? 8);
  const child = fork(__filename, ['--serve'], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(m as number)));
  const url = `http://127.0.0.1:${port}/graphql`;
  const lean = new ForwardingDataSource({ url, send: subgraphFetch });
  const stock = new ForwardingDataSource({ url, send: subgraphFetch });
  Object.defineProperty(stock, 'sendRequest', { value: (RemoteGraphQLDataSource.prototype as unknown as Record<string, unknown>).sendRequest });
  stock.fetcher = whatwgFetch as never;
  const context = { principal: {}, authorization: 'Bearer x', requestId: 'r-1', traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` } as unknown as GatewayContext;
  const options = () =>
    ({
      kind: 'incoming operation',
      request: { query: 'query Q__fundraising__0($id:ID!){gift(id:$id){id amount{amountMinor currency}contact{__typename id}}}', operationName: 'Q__fundraising__0', variables: { id: 'g-1' } },
      incomingRequestContext: { overallCachePolicy: { restrict() {} } },
      context,
    }) as unknown as Parameters<ForwardingDataSource['process']>[0];

  let gcMs = 0;
  new PerformanceObserver((list) => list.getEntries().forEach((e) => (gcMs += e.duration))).observe({ entryTypes: ['gc'] });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  const round = async (source: ForwardingDataSource) => {
    let i = 0;
    await settle();
    const gc0 = gcMs;
    const cpu0 = process.cpuUsage();
    await Promise.all(Array.from({ length: 8 }, async () => { while (i++ < perRound) await source.process(options()); }));
    const cpu = process.cpuUsage(cpu0);
    await settle();
    return { cpuUs: (cpu.user + cpu.system) / perRound, gcUs: ((gcMs - gc0) * 1000) / perRound };
  };
  await round(stock);
  await round(lean);
  const out = { stock: [] as { cpuUs: number; gcUs: number }[], lean: [] as { cpuUs: number; gcUs: number }[] };
  for (let r = 0; r < rounds; r++) for (const k of r % 2 ? (['lean', 'stock'] as const) : (['stock', 'lean'] as const)) out[k].push(await round(k === 'lean' ? lean : stock));
  child.kill();
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return Math.round((s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2) * 10) / 10;
  };
  const sum = (k: 'stock' | 'lean') => ({ cpuUsPerFetch: median(out[k].map((x) => x.cpuUs)), gcUsPerFetch: median(out[k].map((x) => x.gcUs)), rounds: out[k].map((x) => Math.round(x.cpuUs)) });
  const stockSum = sum('stock');
  const leanSum = sum('lean');
  process.stdout.write(`${JSON.stringify({ fetchesPerRound: perRound, rounds, stock: stockSum, lean: leanSum, leanOverStock: Math.round((1000 * leanSum.cpuUsPerFetch) / stockSum.cpuUsPerFetch) / 1000 }, null, 2)}\n`);
}
