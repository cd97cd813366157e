/**
 * Gateway overhead: the same `gift(id)` query through the gateway and straight to the fundraising
 * subgraph (same bearer token), interleaved round by round in one run so drift (JIT, GC, CPU
 * frequency, PostgreSQL caches) hits both sides alike. autocannon runs on its own thread.
 *
 *  - warm-up: each target for --warmup seconds (not reported);
 *  - closed loop: --rounds rounds, each target for --seconds with --connections connections,
 *    the order alternating per round (G,D / D,G / ...): p50/p95 latency and RPS per target;
 *  - paced: --paced-rounds rounds on one connection at --paced-rate requests/s (default 50), far
 *    below either side's capacity: the latency one request sees, i.e. what the gateway adds per
 *    request when nothing queues.
 * Each side also reports the main thread's busy time per request (event-loop utilisation): in
 * the in-process platform the gateway and the subgraphs share that one thread.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { startTestPlatform } from '@commonhold/testing/src/platform';
import { provisionInfra, log } from './infra';
import { flagArg, numArg, percentile, round, sleep } from './stats';

interface LoadResult {
  latencies: Float64Array;
  ok: number;
  bad: number;
  elapsedMs: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
}

interface LoadOpts {
  url: string;
  connections: number;
  duration: number;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  expectBody: string;
  overallRate?: number;
}

/** One autocannon thread, reused for every run. */
function loadGenerator() {
  const worker = new Worker(join(__dirname, 'load-worker.js'), { execArgv: [] });
  let seq = 0;
  const pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  worker.on('message', (m: { id: number; result?: LoadResult; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error) p?.reject(new Error(m.error));
    else p?.resolve(m.result!);
  });
  worker.on('error', (err) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  return {
    run: (opts: LoadOpts) =>
      new Promise<LoadResult>((resolve, reject) => {
        const id = ++seq;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, opts });
      }),
    close: () => worker.terminate(),
  };
}

interface Side {
  latencies: number[];
  ok: number;
  seconds: number;
  /** Main-thread (gateway + subgraphs) busy time, from event-loop utilisation. */
  busyMs: number;
  rounds: { p50: number; p95: number; rps: number }[];
  failures: number;
}

const newSide = (): Side => ({ latencies: [], ok: 0, seconds: 0, busyMs: 0, rounds: [], failures: 0 });

/** Runs one load and adds it to `side`, with the main thread's busy time over the same window. */
async function measureInto(side: Side, run: () => Promise<LoadResult>) {
  const before = performance.eventLoopUtilization();
  const r = await run();
  const elu = performance.eventLoopUtilization(before);
  for (const l of r.latencies) side.latencies.push(l);
  side.ok += r.ok;
  side.seconds += r.elapsedMs / 1000;
  side.busyMs += elu.active;
  side.failures += r.bad + r.errors + r.timeouts + r.mismatches;
  side.rounds.push({ p50: round(percentile(r.latencies, 50)), p95: round(percentile(r.latencies, 95)), rps: round(r.ok / (r.elapsedMs / 1000)) });
}

const summary = (s: Side) => ({
  p50Ms: round(percentile(s.latencies, 50)),
  p95Ms: round(percentile(s.latencies, 95)),
  p99Ms: round(percentile(s.latencies, 99)),
  rps: round(s.ok / s.seconds),
  requests: s.ok,
  failures: s.failures,
  /** Milliseconds of main-thread work (gateway and/or subgraph JS) per request. */
  mainThreadMsPerRequest: round(s.busyMs / s.ok),
  mainThreadUtilisation: round(s.busyMs / 1000 / s.seconds),
  perRound: s.rounds,
});

export async function gatewayBench(argv: string[]): Promise<Record<string, unknown>> {
  const connections = numArg(argv, 'connections', 8);
  const seconds = numArg(argv, 'seconds', 3);
  const rounds = numArg(argv, 'rounds', 5);
  const warmup = numArg(argv, 'warmup', 4);
  const pacedRounds = argv.includes('--no-paced') ? 0 : numArg(argv, 'paced-rounds', 2);
  const pacedSeconds = numArg(argv, 'paced-seconds', 3);
  const pacedRate = numArg(argv, 'paced-rate', 50);
  const useRedis = flagArg(argv, 'redis');

  const t0 = Date.now();
  const host = await machine(); // how busy the machine was before the bench adds its own load
  const infra = await provisionInfra({ redis: useRedis });
  const load = loadGenerator();
  let platform: Awaited<ReturnType<typeof startTestPlatform>> | undefined;
  try {
    // Budgets far above what a bench can spend: this measures routing, not the limiter's refusals.
    platform = await startTestPlatform({ transport: 'in-process', rateLimit: { tenantPoints: 1e9, ipPoints: 1e9 } });
    const tenant = 'bench-tenant';
    const api = platform.as(tenant);
    const contact = await api<{ createContact: { contact: { id: string } } }>(
      `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }`,
      { input: { firstName: 'Ada', lastName: 'Bench', email: 'ada@example.org', idempotencyKey: randomUUID() } },
    );
    const contactId = contact.data?.createContact.contact.id;
    if (!contactId) throw new Error(`createContact failed: ${JSON.stringify(contact.errors)}`);
    const gift = await api<{ recordGift: { gift: { id: string } } }>(
      `mutation($input: RecordGiftInput!) { recordGift(input: $input) { gift { id } } }`,
      { input: { contactId, amount: { amountMinor: 2500, currency: 'GBP' }, receivedAt: new Date().toISOString(), idempotencyKey: randomUUID() } },
    );
    const giftId = gift.data?.recordGift.gift.id;
    if (!giftId) throw new Error(`recordGift failed: ${JSON.stringify(gift.errors)}`);

    const token = await platform.token(tenant);
    const body = JSON.stringify({ query: `query BenchGift($id: ID!) { gift(id: $id) { id amount { amountMinor currency } } }`, variables: { id: giftId } });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const targets = { gateway: platform.gateway.url, direct: platform.services.fundraising!.url };
    const expect: Record<string, string> = {};
    for (const [name, url] of Object.entries(targets)) {
      const res = await fetch(url, { method: 'POST', headers, body });
      const text = await res.text();
      const parsed = JSON.parse(text) as { data?: { gift?: { id: string } }; errors?: unknown };
      if (res.status !== 200 || parsed.errors || parsed.data?.gift?.id !== giftId) throw new Error(`${name} answered ${res.status}: ${text}`);
      expect[name] = text;
    }
    if (JSON.stringify(JSON.parse(expect.gateway!)) !== JSON.stringify(JSON.parse(expect.direct!))) {
      throw new Error(`gateway and subgraph answers differ: ${expect.gateway} vs ${expect.direct}`);
    }
    const opts = (name: 'gateway' | 'direct', duration: number, overallRate?: number, conns = connections): LoadOpts => ({
      url: targets[name], connections: conns, duration, method: 'POST', headers, body, expectBody: expect[name]!, ...(overallRate ? { overallRate } : {}),
    });

    log(`warm-up ${warmup}s per target (alternating halves), ${connections} connections`);
    for (let i = 0; i < 2; i++) for (const name of ['gateway', 'direct'] as const) await load.run(opts(name, warmup / 2));

    const closed = { gateway: newSide(), direct: newSide() };
    for (let r = 0; r < rounds; r++) {
      const order: ('gateway' | 'direct')[] = r % 2 === 0 ? ['gateway', 'direct'] : ['direct', 'gateway'];
      for (const name of order) await measureInto(closed[name], () => load.run(opts(name, seconds)));
      log(`round ${r + 1}/${rounds}: gateway ${JSON.stringify(closed.gateway.rounds.at(-1))} direct ${JSON.stringify(closed.direct.rounds.at(-1))}`);
    }
    const g = summary(closed.gateway);
    const d = summary(closed.direct);

    let paced: Record<string, unknown> | undefined;
    if (pacedRounds > 0) {
      // One connection at a modest fixed rate: requests never queue behind each other, so this is
      // the latency a single request sees (autocannon releases a rate-limited second's requests
      // across all connections at once, which with several connections is a burst, not a pace).
      const rate = pacedRate;
      const sides = { gateway: newSide(), direct: newSide() };
      for (let r = 0; r < pacedRounds; r++) {
        const order: ('gateway' | 'direct')[] = r % 2 === 0 ? ['gateway', 'direct'] : ['direct', 'gateway'];
        for (const name of order) await measureInto(sides[name], () => load.run(opts(name, pacedSeconds, rate, 1)));
      }
      const pg = summary(sides.gateway);
      const pd = summary(sides.direct);
      log(`paced at ${rate} req/s: gateway p50 ${pg.p50Ms} p95 ${pg.p95Ms}, direct p50 ${pd.p50Ms} p95 ${pd.p95Ms}`);
      paced = {
        offeredRps: rate,
        connections: 1,
        rounds: pacedRounds,
        secondsPerRound: pacedSeconds,
        gateway: { p50Ms: pg.p50Ms, p95Ms: pg.p95Ms, p99Ms: pg.p99Ms, rps: pg.rps, failures: pg.failures, mainThreadMsPerRequest: pg.mainThreadMsPerRequest },
        direct: { p50Ms: pd.p50Ms, p95Ms: pd.p95Ms, p99Ms: pd.p99Ms, rps: pd.rps, failures: pd.failures, mainThreadMsPerRequest: pd.mainThreadMsPerRequest },
        ratio: { p50: round(pg.p50Ms / pd.p50Ms), p95: round(pg.p95Ms / pd.p95Ms) },
        addedMs: { p50: round(pg.p50Ms - pd.p50Ms), p95: round(pg.p95Ms - pd.p95Ms) },
      };
    }

    const ratio = { p50: round(g.p50Ms / d.p50Ms), p95: round(g.p95Ms / d.p95Ms), rps: round(g.rps / d.rps), mainThreadMsPerRequest: round(g.mainThreadMsPerRequest / d.mainThreadMsPerRequest) };
    const targetsOk = { p50: ratio.p50 <= 1.3, p95: ratio.p95 <= 1.5, rps: ratio.rps >= 0.5 };
    return {
      bench: 'gateway',
      date: new Date().toISOString(),
      machine: host,
      setup: {
        query: 'query BenchGift($id: ID!) { gift(id: $id) { id amount { amountMinor currency } } }',
        transport: 'in-process',
        rateLimitStore: platform.gateway.rateLimits.store,
        postgres: infra.pgSource,
        connections,
        rounds,
        secondsPerRound: seconds,
        warmupSeconds: warmup,
        loadGenerator: 'autocannon on a worker thread, exact per-request latencies',
      },
      gateway: g,
      direct: d,
      ratio,
      targets: { p50: '<= 1.3', p95: '<= 1.5', rps: '>= 0.5' },
      meetsTargets: { ...targetsOk, all: targetsOk.p50 && targetsOk.p95 && targetsOk.rps },
      ...(paced ? { paced } : {}),
      totalSeconds: round((Date.now() - t0) / 1000),
    };
  } finally {
    await load.close();
    await platform?.stop().catch((err) => log(`platform stop failed: ${(err as Error).message}`));
    await infra.cleanup();
  }
}

/** Host facts plus how busy the machine was just before the bench (other work skews results). */
export async function machine() {
  const busyBeforePct = await cpuBusyPct(1000);
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memGb: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAvg1mBefore: round(os.loadavg()[0]!, 2),
    cpuBusyBeforePct: busyBeforePct,
  };
}

/** Share of all CPUs busy over `ms` (from /proc/stat; undefined where there is none). */
async function cpuBusyPct(ms: number): Promise<number | undefined> {
  const read = () => {
    try {
      const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      const idle = f[3]! + (f[4] ?? 0);
      return { idle, total: f.reduce((a, b) => a + b, 0) };
    } catch {
      return undefined;
    }
  };
  const a = read();
  await sleep(ms);
  const b = read();
  if (!a || !b || b.total === a.total) return undefined;
  return round((1 - (b.idle - a.idle) / (b.total - a.total)) * 100, 1);
}
