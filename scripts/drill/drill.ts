import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { provisionDatabase } from '@commonhold/kit';
import { adminUrl, testKeys, uniquePrefix } from '@commonhold/testing';
import { helmBinary, prometheusBinary } from '@commonhold/testing/src/tools';
import { AnalysisRun, resolveMetric, type ResolvedMetric } from './analysis';
import { Cleanup } from './cleanup';
import { dropDatabase, ensureKafka, ensurePostgres, setDatabaseOption } from './infra';
import { freePort, launchService, runMigrate, stopChild, waitReady, type ServiceProcess } from './processes';
import { instantQuery, startPrometheus, waitForTargetsUp, type PrometheusHandle, type QueryResult } from './prometheus';
import { WeightedProxy } from './proxy';
import { planFromAdr, planFromChart, resolveArgs, durationMs, type ArgSpec, type CanaryPlan, type RolloutStep } from './template';
import { p95Of, TrafficDriver, warmUp, type TrafficStats, type Workload } from './traffic';
import { PROFILES, type DrillTenant, type ServiceProfile } from './workloads';

export type Fault = 'none' | 'errors' | 'latency';
export type Decision = 'promoted' | 'aborted';

export interface DrillOptions {
  root: string;
  service: string;
  fault: Fault;
  /** Range-selector window substituted for the template's [2m] (the one change to the query text). */
  window: string;
  /** Time between measurements, standing in for the template's interval (1m in the cluster). */
  intervalMs: number;
  /** Traffic at each new weight before the step's analysis starts. */
  stepMs: number;
  rps: number;
  scrapeInterval: string;
  errorFraction: number;
  /** Injected delay; default twice the rendered latency budget. */
  latencyMs?: number;
  transport: 'kafka' | 'in-process';
  /** Measurements for metrics that set interval but no count (Argo would measure until failure). */
  countOverride?: number;
  /** Budget to use when no chart exists and the ADR text is used instead. */
  adrLatencyBudget: string;
  source: 'auto' | 'chart' | 'adr';
  /** Extra values files for `helm template` (e.g. charts/commonhold/values-production.yaml). */
  valuesFiles: string[];
  /** Keep synchronous_commit on for the drill database (default off: see the runbook). */
  durableCommits: boolean;
  /** Requests sent straight to each build before the rollout (0 = none). */
  warmupRequests: number;
  verbose: boolean;
  out: (line: string) => void;
}

/** What a drill step gets: its options, the cleanup stack and the timestamped log. */
interface DrillContext {
  o: DrillOptions;
  cleanup: Cleanup;
  say: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The canary drill, step by step as a Rollout runs in the cluster: read the contract (the chart's
 * AnalysisTemplate and Rollout steps), provision infrastructure, launch a stable and a canary build,
 * split traffic between them behind a weighted proxy watched by Prometheus, walk the Rollout's
 * steps, then abort or promote.
 */
export async function runDrill(o: DrillOptions, cleanup: Cleanup): Promise<Decision> {
  const t0 = Date.now();
  const say = (line: string) => o.out(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${line}`);
  const profile = PROFILES[o.service];
  if (!profile) throw new Error(`unknown service "${o.service}" (the drill knows: ${Object.keys(PROFILES).join(', ')})`);
  const cx: DrillContext = { o, cleanup, say };

  const contract = await readContract(cx); // 1
  const infra = await provisionInfrastructure(cx, profile); // 2
  // Prometheus starts now, with no targets yet (it takes a few seconds to come up); the two builds
  // become its targets after their warm-up.
  const promStarting = startPrometheus(prometheusBinary(), contract.promPort, [], o.scrapeInterval);
  cleanup.add('stop Prometheus and remove its data dir', async () => (await promStarting.catch(() => undefined))?.stop());
  const { procs, prom } = await launchBuilds(cx, infra, contract.faultEnv, promStarting); // 3
  const { workload, proxy, proxyPort } = await openSplit(cx, profile, infra, procs, prom); // 4
  const traffic = await startTraffic(cx, workload, proxy, proxyPort); // 5
  const diagnose = o.verbose
    ? async () => {
        const up = await instantQuery(prom.url, 'up');
        const raw = await instantQuery(prom.url, `sum by (rollouts_pod_template_hash, route) (http_request_duration_seconds_count{service="${o.service}"})`);
        const fmtSeries = (r: QueryResult) => (r.kind === 'vector' ? r.series.map((x) => `${JSON.stringify(x.metric)}=${x.value}`).join(' ') : String(r.value));
        say(`      diagnose: up ${fmtSeries(up)}; request counters ${fmtSeries(raw)}`);
      }
    : undefined;
  const { decision, reasons, background } = await runRolloutSteps(cx, contract, proxy, traffic, prom, diagnose); // 6
  if (decision === 'aborted') await abortRollout(cx, contract, proxy, traffic, prom, reasons, background);
  else await promoteRollout(cx, proxy, traffic, background);
  await finishTraffic(cx, proxy, traffic);
  return decision;
}

/** 1. The contract: the AnalysisTemplate and the Rollout steps, from the real chart (or the ADR). */
async function readContract({ o, say }: DrillContext) {
  let plan: CanaryPlan | undefined;
  if (o.source !== 'adr') plan = planFromChart(o.root, helmBinary(), o.service, o.valuesFiles);
  if (!plan) {
    if (o.source === 'chart') throw new Error('--source chart: no chart found under charts/');
    plan = planFromAdr(o.service, o.adrLatencyBudget);
  }
  say(`canary drill: service ${o.service}, fault ${o.fault}`);
  say(`analysis source: ${plan.source}`);
  say(`rollout steps: ${plan.steps.map(describeStep).join(' → ')}${plan.background ? `; background analysis ${plan.background.templates.map((t) => t.templateName).join(',')}${plan.background.startingStep !== undefined ? ` from step ${plan.background.startingStep}` : ''}` : ''}`);

  // Args and metrics per analysis (steps may pass different args); prometheus-address is ours.
  const promPort = await freePort();
  const promUrl = `http://127.0.0.1:${promPort}`;
  const metricsFor = (args: ArgSpec[] | undefined): { args: Record<string, string>; metrics: ResolvedMetric[] } => {
    const resolved = resolveArgs(plan!, args, { 'prometheus-address': promUrl });
    return { args: resolved, metrics: plan!.metrics.map((m) => resolveMetric(m, resolved, o.window)) };
  };
  const firstAnalysis = plan.steps.find((s): s is { analysis: { templates: { templateName: string }[]; args?: ArgSpec[] } } => 'analysis' in s);
  const shown = metricsFor(firstAnalysis?.analysis.args ?? plan.background?.args);
  const budget = Number(shown.args['latency-budget-seconds']);
  if (!Number.isFinite(budget) || budget <= 0) throw new Error(`latency-budget-seconds did not resolve to a positive number (${shown.args['latency-budget-seconds']})`);
  const describeRun = (what: string, rolloutArgs: ArgSpec[] | undefined) => {
    const r = metricsFor(rolloutArgs);
    const chartProm = rolloutArgs?.find((a) => a.name === 'prometheus-address')?.value;
    say(`${what} args: ${Object.entries(r.args).map(([k, v]) => `${k}=${v}`).join(' ')}${chartProm ? ` (rendered prometheus-address ${chartProm})` : ''}`);
    for (const m of r.metrics) say(`  ${m.name}: interval ${m.interval ?? '-'}, count ${m.count ?? 'unbounded'}, failureLimit ${m.failureLimit}, consecutiveErrorLimit ${m.consecutiveErrorLimit}`);
  };
  describeRun('step analysis', firstAnalysis?.analysis.args);
  if (plan.background) describeRun('background analysis', plan.background.args);
  for (const m of shown.metrics) {
    say(`metric ${m.name} (provider address ${m.spec.providerAddress ?? '-'} → ${m.providerAddress ?? '-'})`);
    say(`  query, window [${m.windowReplaced.join(',') || 'none'}] → [${o.window}]: ${m.query}`);
    say(`  successCondition: ${m.successCondition?.source ?? '-'}${m.failureCondition ? `  failureCondition: ${m.failureCondition.source}` : ''}`);
    if (!m.windowReplaced.length) say(`  WARNING: no range selector found to shorten in ${m.name}; the query runs as rendered`);
  }
  const unbounded = shown.metrics.filter((m) => m.count === undefined);
  const countOverride = o.countOverride ?? Math.max(1, ...shown.metrics.map((m) => m.failureLimit + 1));
  if (unbounded.length && firstAnalysis) {
    say(
      `WARNING: step analysis metric(s) ${unbounded.map((m) => m.name).join(', ')} have an interval but no count: such a metric never completes, so in Argo an analysis step with it cannot finish (Argo rejects it); the drill takes ${countOverride} measurement(s) instead (failureLimit+1, --count to change)`,
    );
  }
  const faultEnv = o.fault === 'errors' ? `errors:${o.errorFraction}` : o.fault === 'latency' ? `latency:${o.latencyMs ?? Math.round(budget * 2000)}` : undefined;
  say(`stable: healthy build; canary: ${faultEnv ? `FAULT_INJECTION=${faultEnv}` : 'healthy build (no fault)'}; latency budget ${budget}s`);

  return { plan, promPort, promUrl, metricsFor, shown, budget, countOverride, faultEnv };
}
type Contract = Awaited<ReturnType<typeof readContract>>;

/**
 * 2. Infrastructure like the distributed e2e test: PostgreSQL, Kafka, one database for both builds
 *    (migrated once, as the chart's pre-upgrade hook Job does). Kafka starts meanwhile.
 */
async function provisionInfrastructure({ o, cleanup, say }: DrillContext, profile: ServiceProfile) {
  const pg = await ensurePostgres(o.root, cleanup);
  say(`PostgreSQL: ${pg.how}`);
  const prefix = uniquePrefix().replace(/^t/, 'drill_');
  const keys = await testKeys();
  cleanup.add('remove drill signing keys', () => rmSync(dirname(keys.jwksFile), { recursive: true, force: true }));
  const database = `${prefix}${o.service}`;
  const role = `${prefix}${o.service}_app`;
  const tenants: DrillTenant[] = await Promise.all(['drill-north', 'drill-south', 'drill-east'].map(async (id) => ({ id, token: await keys.token(id, { roles: ['admin'], userId: `drill-${id}` }) })));
  const [kafkaResult, dbResult] = await Promise.allSettled([
    o.transport === 'kafka' ? ensureKafka(o.root, cleanup) : Promise.resolve(undefined),
    (async () => {
      cleanup.add(`drop database ${database} and role ${role}`, () => dropDatabase(adminUrl(), database, role));
      const db = await provisionDatabase({ adminUrl: adminUrl(), database, appRole: role, appPassword: 'drill-password' });
      // Both builds share this database, so this treats them alike: a shared VM's fsync stalls would
      // otherwise show up as p95 latency of whichever build committed at the wrong moment.
      if (!o.durableCommits) await setDatabaseOption(adminUrl(), database, 'synchronous_commit', 'off');
      await runMigrate(o.root, o.service, { NODE_ENV: 'production', LOG_LEVEL: 'info', DATABASE_URL: db.appUrl, DATABASE_MIGRATION_URL: db.ownerUrl });
      const seeded = profile.seed ? await profile.seed(db.ownerUrl, tenants) : undefined;
      return { db, seeded };
    })(),
  ]);
  if (kafkaResult.status === 'rejected') throw kafkaResult.reason;
  if (dbResult.status === 'rejected') throw dbResult.reason;
  const { db, seeded } = dbResult.value;
  const kafka = kafkaResult.value;
  say(kafka ? `Kafka: ${kafka.how} (topic prefix ${prefix}.)` : 'transport: in-process bus in each process (--transport in-process: no Kafka)');
  say(`database ${database}: migrated with \`main migrate\` (the chart's hook Job command)${o.durableCommits ? '' : '; synchronous_commit=off for this drill database'}`);
  const common: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: o.verbose ? 'info' : 'warn',
    JWKS_FILE: keys.jwksFile,
    // Both builds share one key-encryption key, as replicas of one release do.
    SECRETS_KEKS: `drill:${randomBytes(32).toString('base64')}`,
    DATABASE_URL: db.appUrl,
    DATABASE_MIGRATION_URL: db.ownerUrl,
    ...(kafka ? { KAFKA_BROKERS: kafka.brokers, KAFKA_TOPIC_PREFIX: `${prefix}.` } : {}),
  };

  return { prefix, tenants, seeded, common };
}
type Infrastructure = Awaited<ReturnType<typeof provisionInfrastructure>>;

/** 3. Two builds of the service, each its own process, on the same database; Prometheus comes up meanwhile. */
async function launchBuilds({ o, cleanup, say }: DrillContext, { prefix, common }: Infrastructure, faultEnv: string | undefined, promStarting: Promise<PrometheusHandle>) {
  const logDir = join(tmpdir(), `commonhold-drill-${prefix.replace(/_$/, '')}`);
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  if (o.verbose) say(`service logs (kept with --verbose): ${logDir}/stable.log, ${logDir}/canary.log`);
  else cleanup.add('remove service logs', () => rmSync(logDir, { recursive: true, force: true }));
  const procs: Record<'stable' | 'canary', ServiceProcess> = {
    stable: launchService(o.root, o.service, 'stable', await freePort(), common, join(logDir, 'stable.log')),
    canary: launchService(o.root, o.service, 'canary', await freePort(), { ...common, ...(faultEnv ? { FAULT_INJECTION: faultEnv, ALLOW_FAULT_INJECTION: 'true' } : {}) }, join(logDir, 'canary.log')),
  };
  for (const p of Object.values(procs)) cleanup.add(`stop ${p.role} (pid ${p.child.pid})`, () => stopChild(p.child).then(() => undefined));
  const [promResult, readyResult] = await Promise.allSettled([promStarting, Promise.all(Object.values(procs).map((p) => waitReady(p)))]);
  if (promResult.status === 'rejected') throw promResult.reason;
  if (readyResult.status === 'rejected') throw readyResult.reason;
  const prom = promResult.value;
  say(`stable ready on :${procs.stable.port} (pid ${procs.stable.child.pid}), canary ready on :${procs.canary.port} (pid ${procs.canary.child.pid})`);

  return { procs, prom };
}

/**
 * 4. Warm-up, then the weighted split and a real Prometheus scraping both builds. Warm-up runs
 *    before Prometheus' first scrape, so rate() over any window never sees it.
 */
async function openSplit({ o, cleanup, say }: DrillContext, profile: ServiceProfile, { tenants, seeded }: Infrastructure, procs: Record<'stable' | 'canary', ServiceProcess>, prom: PrometheusHandle) {
  const workload = profile.workload(tenants, seeded);
  if (o.warmupRequests > 0) {
    const warm = await Promise.all((['stable', 'canary'] as const).map((side) => warmUp(`http://127.0.0.1:${procs[side].port}/graphql`, workload, o.warmupRequests, 4, 8000)));
    say(`warm-up (straight to each build, before Prometheus' first scrape): stable ${warm[0]!.summary()}; canary ${warm[1]!.summary()}`);
  }
  const proxy = new WeightedProxy({ stable: { host: '127.0.0.1', port: procs.stable.port }, canary: { host: '127.0.0.1', port: procs.canary.port } });
  const proxyPort = await proxy.listen();
  cleanup.add('close the weighted proxy', () => proxy.close());
  await prom.setTargets([
    { address: `127.0.0.1:${procs.stable.port}`, labels: { rollouts_pod_template_hash: 'stable' } },
    { address: `127.0.0.1:${procs.canary.port}`, labels: { rollouts_pod_template_hash: 'canary' } },
  ]);
  await waitForTargetsUp(prom.url, 2);
  say(`Prometheus ${prom.url} (scrape ${o.scrapeInterval}, data ${prom.dir}): targets stable and canary up; weighted proxy on :${proxyPort}`);

  return { workload, proxy, proxyPort };
}

/** 5. Traffic for the whole rollout, all of it through the split (weight 0 for a moment first). */
async function startTraffic({ o, cleanup, say }: DrillContext, workload: Workload, proxy: WeightedProxy, proxyPort: number) {
  const traffic = new TrafficDriver(`http://127.0.0.1:${proxyPort}/graphql`, workload, o.rps);
  cleanup.add('stop traffic', () => traffic.stop());
  proxy.setWeight(0);
  traffic.start();
  const preRollout = Math.min(3000, o.stepMs);
  say(`traffic: ${o.rps} req/s through the split (${workload.describe}); weight 0 (all stable) for ${preRollout / 1000}s before the rollout`);
  await sleep(preRollout);
  report(say, 'before rollout', traffic.takeStep());

  return traffic;
}

/** 6. The Rollout's steps, with the background analysis (if any) watching alongside. */
async function runRolloutSteps({ o, cleanup, say }: DrillContext, { plan, metricsFor, shown, countOverride }: Contract, proxy: WeightedProxy, traffic: TrafficDriver, prom: PrometheusHandle, diagnose: (() => Promise<void>) | undefined) {
  let background: AnalysisRun | undefined;
  let backgroundTimer: NodeJS.Timeout | undefined;
  let backgroundDelay: NodeJS.Timeout | undefined;
  let backgroundBusy = false;
  const startBackground = () => {
    if (!plan!.background || background) return;
    background = new AnalysisRun('background', metricsFor(plan!.background.args).metrics, prom.url, say, undefined, diagnose);
    say(`background analysis started (measures every ${o.intervalMs / 1000}s for the rest of the rollout)`);
    const tick = async () => {
      if (backgroundBusy || background!.outcome()) return;
      backgroundBusy = true;
      try {
        await background!.measureOnce();
      } finally {
        backgroundBusy = false;
      }
    };
    void tick();
    // Half a second behind a step analysis started at the same moment (cosmetic: see above).
    backgroundDelay = setTimeout(() => {
      void tick();
      backgroundTimer = setInterval(() => void tick(), o.intervalMs);
    }, o.intervalMs + 500);
  };
  cleanup.add('stop background analysis', () => {
    clearTimeout(backgroundDelay);
    clearInterval(backgroundTimer);
  });
  const backgroundFailed = () => {
    const out = background?.outcome();
    return out && out.phase !== 'Successful' ? out : undefined;
  };

  let decision: Decision = 'promoted';
  const reasons: string[] = [];
  const steps = plan.steps;
  for (let i = 0; i < steps.length && decision === 'promoted'; i++) {
    const step = steps[i]!;
    const label = `step ${i + 1}/${steps.length}`;
    const backgroundDue = (plan.background?.startingStep ?? 0) <= i;
    // Started after an analysis step's first measurement, so when both runs measure in the same
    // round the step's run goes first (in Argo they are independent runs; the order is cosmetic).
    if (backgroundDue && !('analysis' in step)) startBackground();
    if ('setWeight' in step) {
      proxy.setWeight(Number(step.setWeight));
      say(`${label} setWeight ${step.setWeight}: ${step.setWeight} % of requests to the canary`);
      // Traffic at the new weight before the next step, as the canary's pods take their share. After
      // the last step Argo promotes at once (and stops the background analysis), so no wait there.
      if (i < steps.length - 1) {
        await sleepWatching(o.stepMs, () => backgroundFailed() !== undefined);
        report(say, `${label} traffic`, traffic.takeStep());
      }
    } else if ('analysis' in step) {
      const names = (step.analysis as { templates: { templateName: string }[] }).templates.map((t) => t.templateName).join(', ');
      say(`${label} analysis ${names}: measurements every ${o.intervalMs / 1000}s (template interval ${shown.metrics[0]?.interval ?? '-'}), window [${o.window}]`);
      const run = new AnalysisRun(`analysis@${proxy.getWeight()}%`, metricsFor((step.analysis as { args?: ArgSpec[] }).args).metrics, prom.url, say, countOverride, diagnose);
      const runStart = Date.now();
      for (;;) {
        await run.measureOnce();
        if (backgroundDue) startBackground();
        const out = run.outcome();
        if (out) {
          if (out.phase === 'Successful') say(`${label} analysis Successful after ${run.rounds} measurement round(s)`);
          else {
            decision = 'aborted';
            reasons.push(...out.reasons.map((r) => `${label} analysis ${out.phase}: ${r}`));
          }
          break;
        }
        if (await sleepWatching(runStart + run.rounds * o.intervalMs - Date.now(), () => backgroundFailed() !== undefined)) break;
      }
      report(say, `${label} traffic`, traffic.takeStep());
    } else if ('pause' in step) {
      const d = durationMs((step.pause as { duration?: string | number }).duration);
      const wait = d === undefined ? 0 : Math.min(d, o.stepMs);
      say(`${label} pause ${d === undefined ? '(indefinite: in the cluster a human runs `kubectl argo rollouts promote`; the drill promotes it)' : `${d / 1000}s (drill waits ${wait / 1000}s)`}`);
      await sleepWatching(wait, () => backgroundFailed() !== undefined);
    } else {
      throw new Error(`${label}: unsupported Rollout step ${JSON.stringify(step)}`);
    }
    const bg = backgroundFailed();
    if (bg) {
      decision = 'aborted';
      reasons.push(...bg.reasons.map((r) => `background analysis ${bg.phase}: ${r}`));
    }
  }
  clearTimeout(backgroundDelay);
  clearInterval(backgroundTimer);
  while (backgroundBusy) await sleep(50);

  return { decision, reasons, background };

  async function sleepWatching(ms: number, stop: () => boolean): Promise<boolean> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (stop()) return true;
      await sleep(Math.min(250, end - Date.now()));
    }
    return stop();
  }
}

/** Abort: all traffic back to stable, and the same queries for stable to tell a bad canary from a slow machine. */
async function abortRollout({ o, say }: DrillContext, { plan, shown }: Contract, proxy: WeightedProxy, traffic: TrafficDriver, prom: PrometheusHandle, reasons: string[], background: AnalysisRun | undefined) {
  proxy.setWeight(0);
  say('ABORT: setWeight 0: all traffic back to stable (Argo scales the canary ReplicaSet down; the rollout is Degraded)');
  for (const r of reasons) say(`  why: ${r}`);
  // Not part of the decision: the same queries for the stable build, to tell a bad canary from a
  // slow machine (a stable just as slow points at the environment).
  const stableArgs = { ...shown.args, 'canary-hash': 'stable' };
  for (const m of plan.metrics) {
    const q = resolveMetric(m, stableArgs, o.window).query;
    const r = await instantQuery(prom.url, q).catch(() => undefined);
    say(`  for comparison, ${m.name} of stable over the same window: ${r?.kind === 'vector' ? `[${r.values.map((v) => v.toFixed(4)).join(', ')}]` : r ? r.value.toFixed(4) : 'query failed'}`);
  }
  background?.terminate();
  const before = proxy.forwarded.canary;
  await sleep(3000);
  const after = traffic.takeStep();
  report(say, 'after abort', after);
  say(`after abort the canary received ${proxy.forwarded.canary - before} request(s)`);
}

/** Promote: the canary becomes the new stable. */
async function promoteRollout({ say }: DrillContext, proxy: WeightedProxy, traffic: TrafficDriver, background: AnalysisRun | undefined) {
  background?.terminate();
  say(`PROMOTE: all steps complete: the canary becomes the new stable${background ? ' (background analysis terminated: Successful)' : ''}`);
  const last = traffic.takeStep();
  if (last.total) report(say, 'last step traffic', last);
  const before = proxy.forwarded.stable;
  await sleep(3000);
  report(say, 'after promotion', traffic.takeStep());
  say(`after promotion the old stable received ${proxy.forwarded.stable - before} request(s)`);
}

/** Stops traffic and reports the whole drill. */
async function finishTraffic({ say }: DrillContext, proxy: WeightedProxy, traffic: TrafficDriver) {
  await traffic.stop();
  report(say, 'whole drill (client side)', traffic.overall);
  if (traffic.droppedForBackpressure) say(`note: ${traffic.droppedForBackpressure} scheduled request(s) skipped because ${200} were already in flight`);
  say(`proxy forwarded stable ${proxy.forwarded.stable}, canary ${proxy.forwarded.canary}; upstream errors stable ${proxy.upstreamErrors.stable}, canary ${proxy.upstreamErrors.canary}`);
}

function describeStep(s: RolloutStep): string {
  if ('setWeight' in s) return `setWeight ${s.setWeight}`;
  if ('analysis' in s) return `analysis(${(s.analysis as { templates: { templateName: string }[] }).templates.map((t) => t.templateName).join(',')})`;
  if ('pause' in s) return `pause${(s.pause as { duration?: unknown }).duration !== undefined ? ` ${(s.pause as { duration?: unknown }).duration}` : ''}`;
  return JSON.stringify(s);
}

function report(say: (l: string) => void, what: string, s: TrafficStats): void {
  const kinds = [...s.byKind.entries()].map(([k, n]) => `${k} ${n}, p95 ${p95Of(s.kindLatencyMs.get(k) ?? []).toFixed(0)} ms`).join('; ');
  say(`  ${what}: ${s.total} requests (${kinds || 'none'})`);
  for (const side of ['stable', 'canary', 'unknown'] as const) {
    if (s.byTarget[side].total || side !== 'unknown') say(`    ${side.padEnd(7)} ${s.byTarget[side].summary()}`);
  }
}
