/**
 * The gateway against the subgraph direct, against a peer router (Hive Gateway) and against
 * itself with dedupe or telemetry changed — every target interleaved round by round in one run so
 * drift (JIT, GC, CPU frequency, PostgreSQL caches, other people's work) hits all alike; ratios are
 * medians of per-round ratios. autocannon runs on a worker thread of the bench process.
 * docs/performance/gateway.md describes the targets and the figures.
 *
 * Topologies (--topology):
 *  - `processes` (default; the deployed shape, one process per component): the fundraising and
 *    volunteers subgraphs, launched as test/e2e/distributed.e2e-spec.ts launches them (`main.ts
 *    migrate`, then `main.ts`) without Kafka (in-process bus); our gateway four times (defaults;
 *    DEDUPE_SUBGRAPH_FETCHES=false; spans exported to an OTLP receiver here; OTEL_SDK_DISABLED);
 *    Hive Gateway twice (defaults; its subgraph dedupe off) unless --no-peer. Two operations: `gift`
 *    (one subgraph; also sent to the subgraph direct) and `federated` (+ volunteers). CPU per
 *    request is read per process from /proc.
 *  - `in-process` (the embedded mode): startTestPlatform({ transport: 'in-process' }) runs both
 *    subgraphs and the gateway on the bench process's one JS thread; CPU per request is that
 *    thread's busy time (event-loop utilisation). Gift query, gateway vs direct only.
 * --variant-entry <file>, --variant-import <module>, --variant-env KEY=VALUE[,KEY=VALUE…]
 * (processes only; any combination) add another gateway process — started from another entry
 * file (e.g. a copy of the gateway before a change), with an extra `--import <module>` (a preload
 * that patches something), and/or extra environment — measured interleaved with the rest: an A/B
 * of a gateway change in one run. --cpu-prof <dir> profiles our gateway processes.
 *
 * Phases (per operation):
 *  - warm-up: each target for --warmup seconds (not reported);
 *  - closed loop: --rounds rounds, each target for --seconds with --connections connections,
 *    the order rotating per round: p50/p95 latency, RPS, CPU per request per process, and the
 *    subgraphs' GraphQL requests per client request;
 *  - paced (gift, gateway and direct): --paced-rounds rounds on one connection at --paced-rate
 *    requests/s (default 50), far below capacity: the latency one request sees, i.e. what the
 *    gateway adds per request when nothing queues.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { provisionDatabase } from '@commonhold/kit';
import { testKeys, uniquePrefix } from '@commonhold/testing';
import { startTestPlatform } from '@commonhold/testing/src/platform';
import { cpuDelta, cpuSnapshot, machine, quietWait, topOthers, type CpuSnapshot } from './machine';
import { freePort, provisionInfra, log } from './infra';
import { flagArg, median, numArg, percentile, round, sleep, strArg } from './stats';

const root = join(__dirname, '..', '..');
// The peer: Hive Gateway's own CLI (a devDependency of this workspace only) with a config of ours.
const HIVE_PACKAGE = require.resolve('@graphql-hive/gateway/package.json');
const HIVE_BIN = join(dirname(HIVE_PACKAGE), 'dist', 'bin.js');
const HIVE_VERSION = (JSON.parse(readFileSync(HIVE_PACKAGE, 'utf8')) as { version: string }).version;
const HIVE_CONFIG = join(__dirname, 'peer', 'hive-gateway.config.mjs');
const QUERY = 'query BenchGift($id: ID!) { gift(id: $id) { id amount { amountMinor currency } } }';

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

/** What runs the gateway and the subgraph, and how to read their CPU use. */
interface Deployment {
  /** `gateway`, `direct` (the fundraising subgraph) and optionally `variant` (a second gateway). */
  targets: Record<string, string>;
  token: string;
  /** Cumulative CPU ms per component (processes, postgres, whole machine). */
  cpu(): CpuSnapshot;
  /** GraphQL requests the subgraphs have received so far (processes topology). */
  upstreamRequests?(): Promise<number>;
  /** What the OTLP receiver got from `gatewayExported`. */
  exported?(): { exports: number; bytes: number };
  setup: Record<string, unknown>;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------- processes

interface Child {
  name: string;
  child: ChildProcess;
  tail: string[];
}

function launch(name: string, args: string[], env: NodeJS.ProcessEnv, tsx = true): Child {
  const child = spawn(process.execPath, [...(tsx ? ['--import', 'tsx'] : []), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (d: Buffer) => {
    tail.push(String(d));
    if (tail.length > 200) tail.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  // Never leave a server behind if the bench dies without reaching its cleanup.
  const kill = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  return { name, child, tail };
}

async function waitReady(c: Child, port: number, timeoutMs = 90_000, path = '/ready') {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (c.child.exitCode !== null || c.child.signalCode !== null) throw new Error(`${c.name} exited (${c.child.exitCode ?? c.child.signalCode}):\n${c.tail.join('')}`);
    const res = await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined);
    if (res?.ok) return;
    await sleep(200);
  }
  throw new Error(`${c.name} not ready after ${timeoutMs} ms:\n${c.tail.join('')}`);
}

function stopChild(c: Child, timeoutMs = 15_000): Promise<number | string | null> {
  return new Promise((resolve) => {
    if (c.child.exitCode !== null || c.child.signalCode !== null) return resolve(c.child.exitCode ?? c.child.signalCode);
    const t = setTimeout(() => c.child.kill('SIGKILL'), timeoutMs);
    c.child.once('exit', (code, signal) => {
      clearTimeout(t);
      resolve(code ?? signal);
    });
    c.child.kill('SIGTERM');
  });
}

/** A minimal OTLP/HTTP receiver in the bench process: counts the spans exported to it, answers 200. */
async function otlpSink() {
  let exports = 0;
  let bytes = 0;
  const server = http.createServer((req, res) => {
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      exports++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats: () => ({ exports, bytes }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The peer's supergraph: ours, with the routing URLs of this run's subgraphs (Hive reads them from the file). */
function peerSupergraph(urls: Record<string, string>): string {
  let sdl = readFileSync(join(root, 'schemas', 'supergraph.graphql'), 'utf8');
  for (const [name, url] of Object.entries(urls)) sdl = sdl.replace(new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]+(")`), `$1${url}$2`);
  const file = join(mkdtempSync(join(tmpdir(), 'bench-supergraph-')), 'supergraph.graphql');
  writeFileSync(file, sdl);
  return file;
}

interface ProcessOpts {
  tenant: string;
  peer: boolean;
  /** `--cpu-prof <dir>`: our gateway processes write V8 CPU profiles to <dir>/<target>/ when they exit. */
  cpuProfDir?: string;
  variantImport?: string;
  variantEnv?: Record<string, string>;
  variantEntry?: string;
}

async function startProcesses(opts: ProcessOpts): Promise<Deployment> {
  const keys = await testKeys();
  const prefix = uniquePrefix();
  // The environment the services see: no Kafka (in-process bus), no exporter, no fault injection;
  // REDIS_URL only with --redis (provisionInfra sets or clears it).
  const base: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test' };
  for (const k of ['KAFKA_BROKERS', 'KAFKA_TOPIC_PREFIX', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG', 'OTEL_SDK_DISABLED', 'DEDUPE_SUBGRAPH_FETCHES', 'FAULT_INJECTION', 'PORT', 'LOG_LEVEL']) delete base[k];
  const subgraphs = ['fundraising', 'volunteers'] as const;
  const svcEnv: Record<string, NodeJS.ProcessEnv> = {};
  const ports: Record<string, number> = {};
  for (const name of subgraphs) {
    const db = await provisionDatabase({ adminUrl: process.env.PG_ADMIN_URL!, database: `${prefix}${name}`, appRole: `${prefix}${name}_app`, appPassword: 'bench-password' });
    ports[name] = await freePort();
    svcEnv[name] = { ...base, LOG_LEVEL: 'info', PORT: String(ports[name]), DATABASE_URL: db.appUrl, DATABASE_MIGRATION_URL: db.ownerUrl, JWKS_FILE: keys.jwksFile, REDIS_URL: undefined };
    // As the distributed e2e spec (and the Helm hook Job) does it: migrate, then serve.
    const migrated = spawnSync(process.execPath, ['--import', 'tsx', `services/${name}/src/main.ts`, 'migrate'], { cwd: root, env: svcEnv[name], encoding: 'utf8' });
    if (migrated.status !== 0 || !/migrations applied/.test(migrated.stdout)) throw new Error(`${name} migrate failed (${migrated.status}):\n${migrated.stdout}\n${migrated.stderr}`);
  }
  const children: Child[] = [];
  const sink = await otlpSink();
  const stop = async () => {
    for (const c of [...children].reverse()) {
      const code = await stopChild(c);
      if (code !== 0 && code !== 'SIGTERM') log(`${c.name} exited with ${code}:\n${c.tail.slice(-20).join('')}`);
    }
    await sink.close();
  };
  try {
    const subs = subgraphs.map((name) => launch(name, [`services/${name}/src/main.ts`], svcEnv[name]!));
    children.push(...subs);
    for (const [i, name] of subgraphs.entries()) await waitReady(subs[i]!, ports[name]!);
    const subgraphUrls = Object.fromEntries(subgraphs.map((n) => [n, `http://127.0.0.1:${ports[n]}/graphql`]));
    const gwEnv = (port: number): NodeJS.ProcessEnv => ({
      ...base,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      JWKS_FILE: keys.jwksFile,
      SUBGRAPH_FUNDRAISING_URL: subgraphUrls.fundraising,
      SUBGRAPH_VOLUNTEERS_URL: subgraphUrls.volunteers,
      // Budgets far above what a bench can spend: this measures routing, not the limiter's refusals.
      RATE_LIMIT_TENANT_PER_MINUTE: '1000000000',
      RATE_LIMIT_IP_PER_MINUTE: '1000000000',
      RATE_LIMIT_USER_PER_MINUTE: '1000000000',
    });
    // Our gateway at its defaults, then one setting changed per extra process (like for like).
    const ours: Record<string, { env: NodeJS.ProcessEnv; note: string }> = {
      gateway: { env: {}, note: 'defaults (dedupe on; telemetry on, no exporter configured)' },
      gatewayNoDedupe: { env: { DEDUPE_SUBGRAPH_FETCHES: 'false' }, note: 'DEDUPE_SUBGRAPH_FETCHES=false' },
      gatewayExported: { env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url }, note: 'OTEL_EXPORTER_OTLP_ENDPOINT=<a receiver in the bench process>: every span exported' },
      gatewayNoTelemetry: { env: { OTEL_SDK_DISABLED: 'true' }, note: 'OTEL_SDK_DISABLED=true' },
    };
    const started: Record<string, { child: Child; port: number; ready: string }> = {};
    for (const [name, o] of Object.entries(ours)) {
      const port = await freePort();
      // One folder per process: node writes one profile per thread (tsx's loader thread too).
      const prof = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', join(opts.cpuProfDir, name)] : [];
      started[name] = { child: launch(name, [...prof, 'gateway/src/main.ts'], { ...gwEnv(port), ...o.env }), port, ready: '/ready' };
    }
    if (opts.variantImport || opts.variantEnv || opts.variantEntry) {
      const port = await freePort();
      const imports = opts.variantImport ? ['--import', opts.variantImport] : [];
      const prof = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', join(opts.cpuProfDir, 'variant')] : [];
      started.variant = { child: launch('gateway-variant', [...prof, ...imports, opts.variantEntry ?? 'gateway/src/main.ts'], { ...gwEnv(port), ...opts.variantEnv }), port, ready: '/ready' };
    }
    let peerFile: string | undefined;
    if (opts.peer) {
      peerFile = peerSupergraph(subgraphUrls);
      for (const [name, dedupe] of [['hive', 'true'], ['hiveNoDedupe', 'false']] as const) {
        const port = await freePort();
        const args = [HIVE_BIN, 'supergraph', peerFile, '--config-path', HIVE_CONFIG, '--port', String(port), '--host', '127.0.0.1', '--fork', '1'];
        started[name] = { child: launch(name, args, { ...base, BENCH_HIVE_DEDUPE: dedupe }, false), port, ready: '/readiness' };
      }
    }
    children.push(...Object.values(started).map((s) => s.child));
    for (const s of Object.values(started)) await waitReady(s.child, s.port, 90_000, s.ready);
    const pids: Record<string, number> = { benchProcess: process.pid };
    for (const [i, name] of subgraphs.entries()) pids[`${name}Process`] = subs[i]!.child.pid!;
    for (const [name, s] of Object.entries(started)) pids[`${name}Process`] = s.child.child.pid!;
    return {
      targets: {
        direct: subgraphUrls.fundraising!,
        ...Object.fromEntries(Object.entries(started).map(([name, s]) => [name, `http://127.0.0.1:${s.port}/graphql`])),
      },
      token: await keys.token(opts.tenant, { userId: `user-of-${opts.tenant}` }),
      cpu: () => cpuSnapshot(pids),
      upstreamRequests: async () => {
        let n = 0;
        for (const name of subgraphs) n += graphqlRequestCount(await (await fetch(`http://127.0.0.1:${ports[name]}/metrics`)).text());
        return n;
      },
      exported: sink.stats,
      setup: {
        topology: 'processes',
        processes: {
          subgraphs: 'node --import tsx services/{fundraising,volunteers}/src/main.ts (after `… main.ts migrate`); LOG_LEVEL=info, no KAFKA_BROKERS (in-process bus)',
          gateway: 'node --import tsx gateway/src/main.ts; LOG_LEVEL=warn, SUBGRAPH_*_URL, RATE_LIMIT_*_PER_MINUTE=1e9',
          ...Object.fromEntries(Object.entries(ours).map(([name, o]) => [name, o.note])),
          ...(started.variant
            ? { variant: `node --import tsx ${opts.variantImport ? `--import ${opts.variantImport} ` : ''}${opts.variantEntry ?? 'gateway/src/main.ts'} (same env${opts.variantEnv ? ` + ${JSON.stringify(opts.variantEnv)}` : ''})` }
            : {}),
          ...(opts.peer
            ? {
                hive: `node ${relative(root, HIVE_BIN)} supergraph <our supergraph, this run's subgraph URLs> --config-path ${relative(root, HIVE_CONFIG)} --fork 1 (Hive Gateway ${HIVE_VERSION} at its defaults: in-flight dedupe on; forwards authorization, x-request-id, traceparent)`,
                hiveNoDedupe: 'the same with BENCH_HIVE_DEDUPE=false (transportEntries *.http deduplicateInflightRequests: false)',
              }
            : {}),
        },
        openTelemetry: 'subgraphs and `gateway`: SDK with the kept instrumentations, no exporter (as main.ts starts it without OTEL_EXPORTER_OTLP_ENDPOINT)',
        rateLimitStore: base.REDIS_URL ? 'redis' : 'memory',
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Sum of `http_request_duration_seconds_count{route="/graphql"}` in a subgraph's /metrics. */
function graphqlRequestCount(metricsText: string): number {
  let n = 0;
  for (const m of metricsText.matchAll(/^http_request_duration_seconds_count\{([^}]*)\} (\d+)/gm)) if (m[1]!.includes('route="/graphql"')) n += Number(m[2]);
  return n;
}

// ---------------------------------------------------------------------------------- in-process

async function startInProcess(opts: { tenant: string }): Promise<Deployment> {
  // Budgets far above what a bench can spend: this measures routing, not the limiter's refusals.
  const platform = await startTestPlatform({ transport: 'in-process', rateLimit: { tenantPoints: 1e9, ipPoints: 1e9 } });
  return {
    targets: { gateway: platform.gateway.url, direct: platform.services.fundraising!.url },
    token: await platform.token(opts.tenant),
    cpu: () => {
      const s = cpuSnapshot({ benchProcess: process.pid });
      // The gateway's and the subgraphs' JS all runs on this one thread: its busy time.
      s.processes.mainThread = performance.eventLoopUtilization().active;
      return s;
    },
    setup: { topology: 'in-process', rateLimitStore: platform.gateway.rateLimits.store, openTelemetry: 'SDK without instrumentations (startPlatform)' },
    stop: () => platform.stop(),
  };
}

// ---------------------------------------------------------------------------------- measuring

interface Round {
  p50: number;
  p95: number;
  rps: number;
  /** CPU ms per request per component in this round. */
  cpu: Record<string, number>;
}

interface Side {
  latencies: number[];
  ok: number;
  seconds: number;
  cpuMs: Record<string, number>;
  upstream: number;
  rounds: Round[];
  failures: number;
}

const newSide = (): Side => ({ latencies: [], ok: 0, seconds: 0, cpuMs: {}, upstream: 0, rounds: [], failures: 0 });

interface Window {
  r: LoadResult;
  cpuMs: Record<string, number>;
  /** GraphQL requests the subgraphs received during the window. */
  upstream: number;
  /** Who used CPU outside the bench during the window. */
  others: string[];
}

/** Runs one load, with every component's CPU time (and the subgraphs' request count) over the same window. */
async function measure(cpu: () => CpuSnapshot, run: () => Promise<LoadResult>, upstream?: () => Promise<number>): Promise<Window> {
  const u0 = await upstream?.();
  const before = cpu();
  const r = await run();
  const after = cpu();
  const u1 = await upstream?.();
  return { r, cpuMs: cpuDelta(before, after), upstream: u0 === undefined || u1 === undefined ? NaN : u1 - u0, others: topOthers(before, after) };
}

/** CPU cores that nobody in the bench used during the window: other people's work on the machine. */
const foreignCores = (w: Window) => (w.cpuMs.other ?? 0) / w.r.elapsedMs;

function addTo(side: Side, { r, cpuMs, upstream }: Window) {
  for (const [k, v] of Object.entries(cpuMs)) side.cpuMs[k] = (side.cpuMs[k] ?? 0) + v;
  for (const l of r.latencies) side.latencies.push(l);
  side.ok += r.ok;
  side.seconds += r.elapsedMs / 1000;
  side.upstream += upstream;
  side.failures += r.bad + r.errors + r.timeouts + r.mismatches;
  const cpu = Object.fromEntries(Object.entries(cpuMs).map(([k, v]) => [k, v / r.ok]));
  side.rounds.push({ p50: round(percentile(r.latencies, 50)), p95: round(percentile(r.latencies, 95)), rps: round(r.ok / (r.elapsedMs / 1000)), cpu });
}

/**
 * One round over every target in `order`. When foreign work used more than `maxForeignCores` in
 * any window (the machine is shared), the whole round is discarded and repeated after the machine
 * is quiet again, at most `retries` times; the last attempt is then kept and counted as disturbed.
 */
async function guardedRound(
  order: string[],
  measureOne: (name: string) => Promise<Window>,
  guard: { maxForeignCores: number; retries: number; stats: { repeated: number; disturbedKept: number } },
): Promise<Record<string, Window>> {
  for (let attempt = 0; ; attempt++) {
    const windows: Record<string, Window> = {};
    for (const name of order) windows[name] = await measureOne(name);
    const worstWindow = Object.values(windows).reduce((a, b) => (foreignCores(b) > foreignCores(a) ? b : a));
    const worst = foreignCores(worstWindow);
    if (!(worst > guard.maxForeignCores)) return windows;
    if (attempt >= guard.retries) {
      guard.stats.disturbedKept++;
      log(`round still disturbed by foreign load (${round(worst)} cores) after ${attempt} repeats: kept`);
      return windows;
    }
    guard.stats.repeated++;
    log(`foreign load used ${round(worst)} cores during the round (${worstWindow.others.join(' ')}): repeating it once the machine is quiet`);
    await quietWait(15, 2, 30, true);
  }
}

const summary = (s: Side) => {
  const perRequest: Record<string, number> = {};
  const cores: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.cpuMs)) {
    perRequest[k] = round(v / s.ok);
    cores[k] = round(v / 1000 / s.seconds);
  }
  return {
    p50Ms: round(percentile(s.latencies, 50)),
    p95Ms: round(percentile(s.latencies, 95)),
    p99Ms: round(percentile(s.latencies, 99)),
    rps: round(s.ok / s.seconds),
    requests: s.ok,
    failures: s.failures,
    /** GraphQL requests the subgraphs received per client request (1 per subgraph crossed without dedupe). */
    upstreamPerRequest: round(s.upstream / s.ok),
    /** CPU ms per request per component (`machine` = all CPUs; `irq`, `steal` from /proc/stat; `other` = processes the bench did not start). */
    cpuMsPerRequest: perRequest,
    /** CPU cores in use per component while this target was loaded (2 = both cores of this VM). */
    cpuCores: cores,
    /** Cores used by work outside the bench (other people's processes) while this target was loaded. */
    foreignCores: cores.other,
    perRound: s.rounds.map(({ p50, p95, rps }) => ({ p50, p95, rps })),
  };
};

/** Round r's order of the targets: rotated, and reversed every other cycle, so each leads alike. */
function orderFor<T>(names: T[], r: number): T[] {
  const k = r % names.length;
  const rotated = [...names.slice(k), ...names.slice(0, k)];
  return Math.floor(r / names.length) % 2 ? rotated.reverse() : rotated;
}

/** The process whose CPU a target's requests cost at the edge (`direct`: the fundraising subgraph). */
const processOf = (target: string) => (target === 'direct' ? 'fundraisingProcess' : `${target}Process`);

/**
 * `a` over `b` as the median of the per-round ratios (each round measured both back to back, so
 * drift and other people's load hit both alike): RPS, p50, p95 and CPU per request of each side's
 * own process.
 */
function ratioOver(sides: Record<string, Side>, a: string, b: string) {
  const xs = sides[a]!.rounds;
  const ys = sides[b]!.rounds;
  const per = (f: (x: Round, y: Round) => number) => round(median(xs.map((x, i) => f(x, ys[i]!))));
  return {
    rps: per((x, y) => x.rps / y.rps),
    p50: per((x, y) => x.p50 / y.p50),
    p95: per((x, y) => x.p95 / y.p95),
    cpuPerRequest: per((x, y) => (x.cpu[processOf(a)] ?? NaN) / (y.cpu[processOf(b)] ?? NaN)),
  };
}

/** The operations measured: one subgraph, and the same crossing into volunteers. */
const QUERIES = {
  gift: QUERY,
  federated: 'query BenchFederated($id: ID!) { gift(id: $id) { id amount { amountMinor currency } contact { id firstName volunteerProfile { status } } } }',
};

export async function gatewayBench(argv: string[]): Promise<Record<string, unknown>> {
  const topology = strArg(argv, 'topology', 'processes');
  if (topology !== 'processes' && topology !== 'in-process') throw new Error(`--topology must be processes or in-process, got ${topology}`);
  const connections = numArg(argv, 'connections', 8);
  const seconds = numArg(argv, 'seconds', 3);
  const rounds = numArg(argv, 'rounds', 3);
  const warmup = numArg(argv, 'warmup', 2);
  const pacedRounds = argv.includes('--no-paced') ? 0 : numArg(argv, 'paced-rounds', 2);
  const pacedSeconds = numArg(argv, 'paced-seconds', 3);
  const pacedRate = numArg(argv, 'paced-rate', 50);
  const useRedis = flagArg(argv, 'redis');
  const peer = topology === 'processes' && !flagArg(argv, 'no-peer');
  const maxForeignCores = numArg(argv, 'max-foreign-cores', 0.25);
  const roundRetries = Number(strArg(argv, 'round-retries', '0'));
  if (!Number.isInteger(roundRetries) || roundRetries < 0) throw new Error('--round-retries must be a whole number ≥ 0');
  const onlyArg = strArg(argv, 'targets');
  const cpuProfArg = strArg(argv, 'cpu-prof');
  const cpuProfDir = cpuProfArg && (isAbsolute(cpuProfArg) ? cpuProfArg : resolvePath(process.cwd(), cpuProfArg));
  const variantArg = strArg(argv, 'variant-import');
  const variantEntryArg = strArg(argv, 'variant-entry');
  const variantEntry = variantEntryArg && (isAbsolute(variantEntryArg) ? variantEntryArg : resolvePath(process.cwd(), variantEntryArg));
  const variantEnvArg = strArg(argv, 'variant-env');
  const variantEnv = variantEnvArg
    ? Object.fromEntries(
        variantEnvArg.split(',').map((kv) => {
          const i = kv.indexOf('=');
          if (i <= 0) throw new Error(`--variant-env wants KEY=VALUE[,KEY=VALUE…], got ${variantEnvArg}`);
          return [kv.slice(0, i), kv.slice(i + 1)];
        }),
      )
    : undefined;
  if ((variantArg || variantEnv || variantEntry) && topology !== 'processes') throw new Error('--variant-entry/-import/-env need --topology processes');
  const variantImport = variantArg ? (isAbsolute(variantArg) ? variantArg : resolvePath(process.cwd(), variantArg)) : undefined;

  const t0 = Date.now();
  const host = await machine(argv); // waits for a quiet machine, then records how busy it was
  const infra = await provisionInfra({ redis: useRedis });
  const load = loadGenerator();
  let deployment: Deployment | undefined;
  try {
    const tenant = 'bench-tenant';
    log(`starting the ${topology} topology${peer ? ' with Hive Gateway as the peer' : ''}`);
    deployment = topology === 'processes' ? await startProcesses({ tenant, peer, cpuProfDir, variantImport, variantEnv, variantEntry }) : await startInProcess({ tenant });
    const { targets, token, cpu } = deployment;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const call = async <T>(query: string, variables: Record<string, unknown>) => {
      const res = await fetch(targets.gateway!, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      return (await res.json()) as { data?: T; errors?: unknown };
    };
    const contact = await call<{ createContact: { contact: { id: string } } }>(
      `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }`,
      { input: { firstName: 'Ada', lastName: 'Bench', email: 'ada@example.org', idempotencyKey: randomUUID() } },
    );
    const contactId = contact.data?.createContact.contact.id;
    if (!contactId) throw new Error(`createContact failed: ${JSON.stringify(contact.errors)}`);
    const gift = await call<{ recordGift: { gift: { id: string } } }>(
      `mutation($input: RecordGiftInput!) { recordGift(input: $input) { gift { id } } }`,
      { input: { contactId, amount: { amountMinor: 2500, currency: 'GBP' }, receivedAt: new Date().toISOString(), idempotencyKey: randomUUID() } },
    );
    const giftId = gift.data?.recordGift.gift.id;
    if (!giftId) throw new Error(`recordGift failed: ${JSON.stringify(gift.errors)}`);

    const guard = { maxForeignCores, retries: roundRetries, stats: { repeated: 0, disturbedKept: 0 } };
    const queries = topology === 'processes' ? (Object.keys(QUERIES) as (keyof typeof QUERIES)[]) : (['gift'] as const);
    const only = onlyArg?.split(',');
    const perQuery: Record<string, unknown> = {};
    let pacedOut: Record<string, unknown> | undefined;
    for (const q of queries) {
      const body = JSON.stringify({ query: QUERIES[q], variables: { id: giftId } });
      // The subgraph alone can answer only the one-subgraph query.
      const names = Object.keys(targets).filter((n) => (q === 'gift' || n !== 'direct') && (!only || only.includes(n) || n === 'gateway'));
      const expect: Record<string, string> = {};
      for (const name of names) {
        const res = await fetch(targets[name]!, { method: 'POST', headers, body });
        const text = await res.text();
        const parsed = JSON.parse(text) as { data?: { gift?: { id: string } }; errors?: unknown };
        if (res.status !== 200 || parsed.errors || parsed.data?.gift?.id !== giftId) throw new Error(`${name} answered ${res.status} to ${q}: ${text}`);
        expect[name] = text;
        // Every target, the peer included, gives the same answer (as JSON) to the same query.
        if (JSON.stringify(JSON.parse(text)) !== JSON.stringify(JSON.parse(expect[names[0]!]!))) throw new Error(`${name} and ${names[0]} answer ${q} differently: ${text} vs ${expect[names[0]!]}`);
      }
      const opts = (name: string, duration: number, overallRate?: number, conns = connections): LoadOpts => ({
        url: targets[name]!, connections: conns, duration, method: 'POST', headers, body, expectBody: expect[name]!, ...(overallRate ? { overallRate } : {}),
      });
      const measureOne = (name: string, o: LoadOpts) => measure(cpu, () => load.run(o), deployment!.upstreamRequests);

      log(`${q}: warm-up ${warmup}s per target (alternating halves), ${connections} connections: ${names.join(', ')}`);
      for (let i = 0; i < 2; i++) for (const name of names) await load.run(opts(name, warmup / 2));

      const closed: Record<string, Side> = Object.fromEntries(names.map((n) => [n, newSide()]));
      for (let r = 0; r < rounds; r++) {
        const windows = await guardedRound(orderFor(names, r), (name) => measureOne(name, opts(name, seconds)), guard);
        for (const name of names) addTo(closed[name]!, windows[name]!);
        log(`${q} round ${r + 1}/${rounds}: ${names.map((n) => `${n} ${JSON.stringify({ rps: closed[n]!.rounds.at(-1)!.rps, p50: closed[n]!.rounds.at(-1)!.p50 })}`).join(' ')}`);
      }
      const sums = Object.fromEntries(names.map((n) => [n, summary(closed[n]!)]));
      const has = (n: string) => names.includes(n);
      const ratios: Record<string, unknown> = {};
      if (has('direct')) ratios.gatewayOverDirect = ratioOver(closed, 'gateway', 'direct');
      // With dedupe on, 8 identical closed-loop callers reach the subgraph ≈ once: the hop's own cost shows with it off.
      if (has('direct') && has('gatewayNoDedupe')) ratios.gatewayNoDedupeOverDirect = ratioOver(closed, 'gatewayNoDedupe', 'direct');
      if (has('hive')) ratios.oursOverHive = ratioOver(closed, 'gateway', 'hive');
      if (has('gatewayNoDedupe') && has('hiveNoDedupe')) ratios.oursOverHiveDedupeOff = ratioOver(closed, 'gatewayNoDedupe', 'hiveNoDedupe');
      if (has('gatewayNoDedupe')) ratios.dedupeOnOverOff = ratioOver(closed, 'gateway', 'gatewayNoDedupe');
      if (has('gatewayNoTelemetry')) ratios.telemetryOnOverOff = ratioOver(closed, 'gateway', 'gatewayNoTelemetry');
      if (has('gatewayExported') && has('gatewayNoTelemetry')) ratios.telemetryExportedOverOff = ratioOver(closed, 'gatewayExported', 'gatewayNoTelemetry');
      if (has('variant')) ratios.variantOverGateway = ratioOver(closed, 'variant', 'gateway');
      perQuery[q] = { query: QUERIES[q], ratios, ...sums };

      if (q === 'gift' && pacedRounds > 0 && has('direct')) {
        // One connection at a modest fixed rate: requests never queue behind each other, so this is
        // the latency a single request sees (autocannon releases a rate-limited second's requests
        // across all connections at once, which with several connections is a burst, not a pace).
        const pacedNames = ['gateway', 'direct'];
        const sides: Record<string, Side> = Object.fromEntries(pacedNames.map((n) => [n, newSide()]));
        for (let r = 0; r < pacedRounds; r++) {
          const windows = await guardedRound(orderFor(pacedNames, r), (name) => measureOne(name, opts(name, pacedSeconds, pacedRate, 1)), guard);
          for (const name of pacedNames) addTo(sides[name]!, windows[name]!);
        }
        const ps = Object.fromEntries(pacedNames.map((n) => [n, summary(sides[n]!)]));
        log(`paced at ${pacedRate} req/s: ${pacedNames.map((n) => `${n} p50 ${ps[n]!.p50Ms} p95 ${ps[n]!.p95Ms}`).join(', ')}`);
        pacedOut = {
          query: 'gift',
          offeredRps: pacedRate,
          connections: 1,
          rounds: pacedRounds,
          secondsPerRound: pacedSeconds,
          ...Object.fromEntries(pacedNames.map((n) => [n, { p50Ms: ps[n]!.p50Ms, p95Ms: ps[n]!.p95Ms, p99Ms: ps[n]!.p99Ms, rps: ps[n]!.rps, failures: ps[n]!.failures }])),
          addedMs: { p50: round(ps.gateway!.p50Ms - ps.direct!.p50Ms), p95: round(ps.gateway!.p95Ms - ps.direct!.p95Ms) },
        };
      }
    }

    // The issue's targets, each read from the medians of per-round ratios above.
    const r = (q: string, k: string) => ((perQuery[q] as { ratios: Record<string, ReturnType<typeof ratioOver>> } | undefined)?.ratios[k]);
    const checks: Record<string, { value: number | undefined; target: string; met: boolean }> = {};
    const check = (name: string, value: number | undefined, target: string, ok: (v: number) => boolean) => {
      if (value !== undefined && Number.isFinite(value)) checks[name] = { value, target, met: ok(value) };
    };
    check('gift: gateway/direct p50', r('gift', 'gatewayOverDirect')?.p50, '<= 1.3', (v) => v <= 1.3);
    check('gift: gateway/direct RPS', r('gift', 'gatewayOverDirect')?.rps, '>= 0.75', (v) => v >= 0.75);
    check('gift: gateway/direct p50, dedupe off', r('gift', 'gatewayNoDedupeOverDirect')?.p50, '<= 1.3', (v) => v <= 1.3);
    check('gift: gateway/direct RPS, dedupe off', r('gift', 'gatewayNoDedupeOverDirect')?.rps, '>= 0.75', (v) => v >= 0.75);
    for (const q of ['gift', 'federated']) {
      check(`${q}: ours/Hive RPS (defaults)`, r(q, 'oursOverHive')?.rps, '>= 1.0', (v) => v >= 1);
      check(`${q}: ours/Hive CPU per request (defaults)`, r(q, 'oursOverHive')?.cpuPerRequest, '<= 1.0', (v) => v <= 1);
      check(`${q}: telemetry on/off RPS`, r(q, 'telemetryOnOverOff')?.rps, '>= 0.95', (v) => v >= 0.95);
    }
    return {
      bench: 'gateway',
      date: new Date().toISOString(),
      machine: host,
      setup: {
        ...deployment.setup,
        postgres: infra.pgSource,
        connections,
        rounds,
        secondsPerRound: seconds,
        warmupSeconds: warmup,
        loadGenerator: 'autocannon on a worker thread of the bench process, exact per-request latencies',
        ratios: 'medians of per-round ratios (targets measured back to back in each round, order rotating)',
      },
      foreignLoad: { maxForeignCores, roundRetries, roundsRepeated: guard.stats.repeated, disturbedRoundsKept: guard.stats.disturbedKept },
      targets: checks,
      meetsTargets: Object.values(checks).every((c) => c.met),
      ...(deployment.exported ? { otlpReceived: deployment.exported() } : {}),
      ...perQuery,
      ...(pacedOut ? { paced: pacedOut } : {}),
      totalSeconds: round((Date.now() - t0) / 1000),
    };
  } finally {
    await load.close();
    await deployment?.stop().catch((err) => log(`stopping the ${topology} topology failed: ${(err as Error).message}`));
    await infra.cleanup();
  }
}
