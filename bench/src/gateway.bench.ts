/**
 * Gateway overhead: the same `gift(id)` query through the gateway and straight to the fundraising
 * subgraph (same bearer token), interleaved round by round in one run so drift (JIT, GC, CPU
 * frequency, PostgreSQL caches) hits both sides alike. autocannon runs on a worker thread of the
 * bench process.
 *
 * Topologies (--topology):
 *  - `processes` (default; the deployed shape, one process per service): the fundraising subgraph
 *    and the gateway each in their own process, launched as test/e2e/distributed.e2e-spec.ts
 *    launches them (`services/fundraising/src/main.ts migrate`, then `main.ts`; then
 *    `gateway/src/main.ts`), without Kafka (the subgraph uses its in-process bus; the bench only
 *    needs fundraising). CPU per request is read per process from /proc.
 *  - `in-process` (the embedded mode): startTestPlatform({ transport: 'in-process' }) runs both
 *    subgraphs and the gateway on the bench process's one JS thread; CPU per request is that
 *    thread's busy time (event-loop utilisation).
 * --variant-entry <file>, --variant-import <module>, --variant-env KEY=VALUE[,KEY=VALUE…]
 * (processes only; any combination) add a second gateway process — started from another entry
 * file (e.g. a copy of the gateway before a change), with an extra `--import <module>` (a preload
 * that patches something), and/or extra environment (e.g. OTEL_SDK_DISABLED=true) — measured
 * interleaved with the first: an A/B of a gateway change in one run.
 *
 * Phases:
 *  - warm-up: each target for --warmup seconds (not reported);
 *  - closed loop: --rounds rounds, each target for --seconds with --connections connections,
 *    the order rotating per round: p50/p95 latency, RPS and CPU per request per target;
 *  - paced: --paced-rounds rounds on one connection at --paced-rate requests/s (default 50), far
 *    below either side's capacity: the latency one request sees, i.e. what the gateway adds per
 *    request when nothing queues.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { isAbsolute, join, resolve as resolvePath } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { provisionDatabase } from '@commonhold/kit';
import { testKeys, uniquePrefix } from '@commonhold/testing';
import { startTestPlatform } from '@commonhold/testing/src/platform';
import { cpuDelta, cpuSnapshot, machine, quietWait, topOthers, type CpuSnapshot } from './machine';
import { freePort, provisionInfra, log } from './infra';
import { flagArg, median, numArg, percentile, round, sleep, strArg } from './stats';

const root = join(__dirname, '..', '..');
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
  setup: Record<string, unknown>;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------- processes

interface Child {
  name: string;
  child: ChildProcess;
  tail: string[];
}

function launch(name: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
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

async function waitReady(c: Child, port: number, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (c.child.exitCode !== null || c.child.signalCode !== null) throw new Error(`${c.name} exited (${c.child.exitCode ?? c.child.signalCode}):\n${c.tail.join('')}`);
    const res = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined);
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

async function startProcesses(opts: { tenant: string; variantImport?: string; variantEnv?: Record<string, string>; variantEntry?: string }): Promise<Deployment> {
  const keys = await testKeys();
  const prefix = uniquePrefix();
  const db = await provisionDatabase({ adminUrl: process.env.PG_ADMIN_URL!, database: `${prefix}fundraising`, appRole: `${prefix}fundraising_app`, appPassword: 'bench-password' });
  // The environment the services see: no Kafka (in-process bus), no exporter, no fault injection;
  // REDIS_URL only with --redis (provisionInfra sets or clears it).
  const base: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test' };
  for (const k of ['KAFKA_BROKERS', 'KAFKA_TOPIC_PREFIX', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'FAULT_INJECTION', 'PORT', 'LOG_LEVEL']) delete base[k];
  const ports = { fundraising: await freePort(), gateway: await freePort(), variant: await freePort() };
  const svcEnv: NodeJS.ProcessEnv = { ...base, LOG_LEVEL: 'info', PORT: String(ports.fundraising), DATABASE_URL: db.appUrl, DATABASE_MIGRATION_URL: db.ownerUrl, JWKS_FILE: keys.jwksFile };
  // As the distributed e2e spec (and the Helm hook Job) does it: migrate, then serve.
  const migrated = spawnSync(process.execPath, ['--import', 'tsx', 'services/fundraising/src/main.ts', 'migrate'], { cwd: root, env: { ...svcEnv, REDIS_URL: undefined }, encoding: 'utf8' });
  if (migrated.status !== 0 || !/migrations applied/.test(migrated.stdout)) throw new Error(`fundraising migrate failed (${migrated.status}):\n${migrated.stdout}\n${migrated.stderr}`);
  const children: Child[] = [];
  const stop = async () => {
    for (const c of [...children].reverse()) {
      const code = await stopChild(c);
      if (code !== 0) log(`${c.name} exited with ${code}:\n${c.tail.slice(-20).join('')}`);
    }
  };
  try {
    const fundraising = launch('fundraising', ['services/fundraising/src/main.ts'], { ...svcEnv, REDIS_URL: undefined });
    children.push(fundraising);
    await waitReady(fundraising, ports.fundraising);
    const subgraphUrl = `http://127.0.0.1:${ports.fundraising}/graphql`;
    const gwEnv = (port: number): NodeJS.ProcessEnv => ({
      ...base,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      JWKS_FILE: keys.jwksFile,
      SUBGRAPH_FUNDRAISING_URL: subgraphUrl,
      // Budgets far above what a bench can spend: this measures routing, not the limiter's refusals.
      RATE_LIMIT_TENANT_PER_MINUTE: '1000000000',
      RATE_LIMIT_IP_PER_MINUTE: '1000000000',
    });
    const gateway = launch('gateway', ['gateway/src/main.ts'], gwEnv(ports.gateway));
    children.push(gateway);
    let variant: Child | undefined;
    if (opts.variantImport || opts.variantEnv || opts.variantEntry) {
      const imports = opts.variantImport ? ['--import', opts.variantImport] : [];
      variant = launch('gateway-variant', [...imports, opts.variantEntry ?? 'gateway/src/main.ts'], { ...gwEnv(ports.variant), ...opts.variantEnv });
      children.push(variant);
    }
    await waitReady(gateway, ports.gateway);
    if (variant) await waitReady(variant, ports.variant);
    const pids: Record<string, number> = { gatewayProcess: gateway.child.pid!, subgraphProcess: fundraising.child.pid!, benchProcess: process.pid };
    if (variant) pids.variantProcess = variant.child.pid!;
    return {
      targets: {
        gateway: `http://127.0.0.1:${ports.gateway}/graphql`,
        direct: subgraphUrl,
        ...(variant ? { variant: `http://127.0.0.1:${ports.variant}/graphql` } : {}),
      },
      token: await keys.token(opts.tenant, { userId: `user-of-${opts.tenant}` }),
      cpu: () => cpuSnapshot(pids),
      setup: {
        topology: 'processes',
        processes: {
          fundraising: 'node --import tsx services/fundraising/src/main.ts (after `… main.ts migrate`); LOG_LEVEL=info, no KAFKA_BROKERS (in-process bus)',
          gateway: 'node --import tsx gateway/src/main.ts; LOG_LEVEL=warn, SUBGRAPH_FUNDRAISING_URL, RATE_LIMIT_*_PER_MINUTE=1e9',
          ...(variant
            ? { variant: `node --import tsx ${opts.variantImport ? `--import ${opts.variantImport} ` : ''}${opts.variantEntry ?? 'gateway/src/main.ts'} (same env${opts.variantEnv ? ` + ${JSON.stringify(opts.variantEnv)}` : ''})` }
            : {}),
        },
        openTelemetry: 'SDK with auto-instrumentations, no exporter (as main.ts starts it without OTEL_EXPORTER_OTLP_ENDPOINT)',
        rateLimitStore: base.REDIS_URL ? 'redis' : 'memory',
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
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

interface Side {
  latencies: number[];
  ok: number;
  seconds: number;
  cpuMs: Record<string, number>;
  rounds: { p50: number; p95: number; rps: number }[];
  failures: number;
}

const newSide = (): Side => ({ latencies: [], ok: 0, seconds: 0, cpuMs: {}, rounds: [], failures: 0 });

interface Window {
  r: LoadResult;
  cpuMs: Record<string, number>;
  /** Who used CPU outside the bench during the window. */
  others: string[];
}

/** Runs one load, with every component's CPU time over the same window. */
async function measure(cpu: () => CpuSnapshot, run: () => Promise<LoadResult>): Promise<Window> {
  const before = cpu();
  const r = await run();
  const after = cpu();
  return { r, cpuMs: cpuDelta(before, after), others: topOthers(before, after) };
}

/** CPU cores that nobody in the bench used during the window: other people's work on the machine. */
const foreignCores = (w: Window) => (w.cpuMs.other ?? 0) / w.r.elapsedMs;

function addTo(side: Side, { r, cpuMs }: Window) {
  for (const [k, v] of Object.entries(cpuMs)) side.cpuMs[k] = (side.cpuMs[k] ?? 0) + v;
  for (const l of r.latencies) side.latencies.push(l);
  side.ok += r.ok;
  side.seconds += r.elapsedMs / 1000;
  side.failures += r.bad + r.errors + r.timeouts + r.mismatches;
  side.rounds.push({ p50: round(percentile(r.latencies, 50)), p95: round(percentile(r.latencies, 95)), rps: round(r.ok / (r.elapsedMs / 1000)) });
}

/**
 * One round over every target in `order`. When foreign work used more than `maxForeignCores` in
 * any window (the machine is shared), the whole round is discarded and repeated after the machine
 * is quiet again, at most `retries` times; the last attempt is then kept and counted as disturbed.
 */
async function guardedRound(
  order: string[],
  cpu: () => CpuSnapshot,
  runOne: (name: string) => Promise<LoadResult>,
  guard: { maxForeignCores: number; retries: number; stats: { repeated: number; disturbedKept: number } },
): Promise<Record<string, Window>> {
  for (let attempt = 0; ; attempt++) {
    const windows: Record<string, Window> = {};
    for (const name of order) windows[name] = await measure(cpu, () => runOne(name));
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
    await quietWait(15, 2, 120, true);
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
    /** CPU ms per request per component (`machine` = all CPUs; `irq`, `steal` from /proc/stat; `other` = processes the bench did not start). */
    cpuMsPerRequest: perRequest,
    /** CPU cores in use per component while this target was loaded (2 = both cores of this VM). */
    cpuCores: cores,
    /** Cores used by work outside the bench (other people's processes) while this target was loaded. */
    foreignCores: cores.other,
    perRound: s.rounds,
  };
};

/** Round r's order of the targets: rotated, and reversed every other cycle, so each leads alike. */
function orderFor<T>(names: T[], r: number): T[] {
  const k = r % names.length;
  const rotated = [...names.slice(k), ...names.slice(0, k)];
  return Math.floor(r / names.length) % 2 ? rotated.reverse() : rotated;
}

export async function gatewayBench(argv: string[]): Promise<Record<string, unknown>> {
  const topology = strArg(argv, 'topology', 'processes');
  if (topology !== 'processes' && topology !== 'in-process') throw new Error(`--topology must be processes or in-process, got ${topology}`);
  const connections = numArg(argv, 'connections', 8);
  const seconds = numArg(argv, 'seconds', 3);
  const rounds = numArg(argv, 'rounds', 5);
  const warmup = numArg(argv, 'warmup', 4);
  const pacedRounds = argv.includes('--no-paced') ? 0 : numArg(argv, 'paced-rounds', 2);
  const pacedSeconds = numArg(argv, 'paced-seconds', 3);
  const pacedRate = numArg(argv, 'paced-rate', 50);
  const useRedis = flagArg(argv, 'redis');
  const maxForeignCores = numArg(argv, 'max-foreign-cores', 0.25);
  const roundRetries = Number(strArg(argv, 'round-retries', '3'));
  if (!Number.isInteger(roundRetries) || roundRetries < 0) throw new Error('--round-retries must be a whole number ≥ 0');
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
    const variantNote =
      variantImport || variantEnv || variantEntry
        ? ` (+ a variant gateway: ${[variantEntry, variantImport && `--import ${variantImport}`, variantEnv && JSON.stringify(variantEnv)].filter(Boolean).join(' ')})`
        : '';
    log(`starting the ${topology} topology${variantNote}`);
    deployment = topology === 'processes' ? await startProcesses({ tenant, variantImport, variantEnv, variantEntry }) : await startInProcess({ tenant });
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

    const body = JSON.stringify({ query: QUERY, variables: { id: giftId } });
    const names = Object.keys(targets);
    const expect: Record<string, string> = {};
    for (const name of names) {
      const res = await fetch(targets[name]!, { method: 'POST', headers, body });
      const text = await res.text();
      const parsed = JSON.parse(text) as { data?: { gift?: { id: string } }; errors?: unknown };
      if (res.status !== 200 || parsed.errors || parsed.data?.gift?.id !== giftId) throw new Error(`${name} answered ${res.status}: ${text}`);
      expect[name] = text;
      if (JSON.stringify(JSON.parse(text)) !== JSON.stringify(JSON.parse(expect.gateway!))) throw new Error(`${name} and gateway answers differ: ${text} vs ${expect.gateway}`);
    }
    const opts = (name: string, duration: number, overallRate?: number, conns = connections): LoadOpts => ({
      url: targets[name]!, connections: conns, duration, method: 'POST', headers, body, expectBody: expect[name]!, ...(overallRate ? { overallRate } : {}),
    });

    log(`warm-up ${warmup}s per target (alternating halves), ${connections} connections`);
    for (let i = 0; i < 2; i++) for (const name of names) await load.run(opts(name, warmup / 2));

    const guard = { maxForeignCores, retries: roundRetries, stats: { repeated: 0, disturbedKept: 0 } };
    const closed: Record<string, Side> = Object.fromEntries(names.map((n) => [n, newSide()]));
    for (let r = 0; r < rounds; r++) {
      const windows = await guardedRound(orderFor(names, r), cpu, (name) => load.run(opts(name, seconds)), guard);
      for (const name of names) addTo(closed[name]!, windows[name]!);
      log(`round ${r + 1}/${rounds}: ${names.map((n) => `${n} ${JSON.stringify(closed[n]!.rounds.at(-1))}`).join(' ')}`);
    }
    const sums = Object.fromEntries(names.map((n) => [n, summary(closed[n]!)]));
    const d = sums.direct!;
    const ratioOf = (x: ReturnType<typeof summary>, y: ReturnType<typeof summary>) => ({ p50: round(x.p50Ms / y.p50Ms), p95: round(x.p95Ms / y.p95Ms), rps: round(x.rps / y.rps) });
    // Each round measured every target back to back: the median of the per-round ratios is less
    // sensitive to a round that foreign load slowed down than the pooled ratio.
    const medianRoundRatio = (x: string, y: string) => {
      const xs = closed[x]!.rounds;
      const ys = closed[y]!.rounds;
      const per = (f: (a: (typeof xs)[0], b: (typeof ys)[0]) => number) => round(median(xs.map((a, i) => f(a, ys[i]!))));
      return { p50: per((a, b) => a.p50 / b.p50), p95: per((a, b) => a.p95 / b.p95), rps: per((a, b) => a.rps / b.rps) };
    };

    let paced: Record<string, unknown> | undefined;
    if (pacedRounds > 0) {
      // One connection at a modest fixed rate: requests never queue behind each other, so this is
      // the latency a single request sees (autocannon releases a rate-limited second's requests
      // across all connections at once, which with several connections is a burst, not a pace).
      const sides: Record<string, Side> = Object.fromEntries(names.map((n) => [n, newSide()]));
      for (let r = 0; r < pacedRounds; r++) {
        const windows = await guardedRound(orderFor(names, r), cpu, (name) => load.run(opts(name, pacedSeconds, pacedRate, 1)), guard);
        for (const name of names) addTo(sides[name]!, windows[name]!);
      }
      const ps = Object.fromEntries(names.map((n) => [n, summary(sides[n]!)]));
      const brief = (s: ReturnType<typeof summary>) => ({ p50Ms: s.p50Ms, p95Ms: s.p95Ms, p99Ms: s.p99Ms, rps: s.rps, failures: s.failures, cpuMsPerRequest: s.cpuMsPerRequest });
      log(`paced at ${pacedRate} req/s: ${names.map((n) => `${n} p50 ${ps[n]!.p50Ms} p95 ${ps[n]!.p95Ms}`).join(', ')}`);
      paced = {
        offeredRps: pacedRate,
        connections: 1,
        rounds: pacedRounds,
        secondsPerRound: pacedSeconds,
        ...Object.fromEntries(names.map((n) => [n, brief(ps[n]!)])),
        ratio: { p50: round(ps.gateway!.p50Ms / ps.direct!.p50Ms), p95: round(ps.gateway!.p95Ms / ps.direct!.p95Ms) },
        addedMs: { p50: round(ps.gateway!.p50Ms - ps.direct!.p50Ms), p95: round(ps.gateway!.p95Ms - ps.direct!.p95Ms) },
        ...(ps.variant
          ? { variantAddedMs: { p50: round(ps.variant.p50Ms - ps.direct!.p50Ms), p95: round(ps.variant.p95Ms - ps.direct!.p95Ms) } }
          : {}),
      };
    }

    const g = sums.gateway!;
    const ratio = { ...ratioOf(g, d), medianOfRounds: medianRoundRatio('gateway', 'direct') };
    const targetsOk = { p50: ratio.p50 <= 1.3, p95: ratio.p95 <= 1.5, rps: ratio.rps >= 0.5 };
    const v = sums.variant;
    return {
      bench: 'gateway',
      date: new Date().toISOString(),
      machine: host,
      setup: {
        query: QUERY,
        ...deployment.setup,
        postgres: infra.pgSource,
        connections,
        rounds,
        secondsPerRound: seconds,
        warmupSeconds: warmup,
        loadGenerator: 'autocannon on a worker thread of the bench process, exact per-request latencies',
      },
      foreignLoad: { maxForeignCores, roundRetries, roundsRepeated: guard.stats.repeated, disturbedRoundsKept: guard.stats.disturbedKept },
      gateway: g,
      direct: d,
      ...(v ? { variant: v } : {}),
      ratio,
      targets: { p50: '<= 1.3', p95: '<= 1.5', rps: '>= 0.5' },
      meetsTargets: { ...targetsOk, all: targetsOk.p50 && targetsOk.p95 && targetsOk.rps },
      ...(v
        ? {
            variantComparison: {
              ...(variantEntry ? { entry: variantEntry } : {}),
              ...(variantImport ? { import: variantImport } : {}),
              ...(variantEnv ? { env: variantEnv } : {}),
              variantOverDirect: ratioOf(v, d),
              variantOverGateway: {
                ...ratioOf(v, g),
                medianOfRounds: medianRoundRatio('variant', 'gateway'),
                roundsVariantFaster: closed.variant!.rounds.filter((r, i) => r.rps > closed.gateway!.rounds[i]!.rps).length,
                gatewayProcessCpuMsPerRequest: round((v.cpuMsPerRequest.variantProcess ?? NaN) / (g.cpuMsPerRequest.gatewayProcess ?? NaN)),
              },
            },
          }
        : {}),
      ...(paced ? { paced } : {}),
      totalSeconds: round((Date.now() - t0) / 1000),
    };
  } finally {
    await load.close();
    await deployment?.stop().catch((err) => log(`stopping the ${topology} topology failed: ${(err as Error).message}`));
    await infra.cleanup();
  }
}
