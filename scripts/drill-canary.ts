// `npm run drill:canary -- --service <name> --fault none|errors|latency [--expect promoted|aborted]`
//
// A local canary drill (issue 4, item 8; runbook docs/runbooks/canary.md): a stable and a canary
// build of one subgraph, each its own process on one database, behind a weighted split that the
// drill moves like the Rollout's setWeight steps; GraphQL traffic through the split; a real
// Prometheus scraping both builds; and, at each analysis step, the AnalysisTemplate's own queries and
// conditions taken from `helm template` of the real chart, evaluated against that Prometheus.
// Prints every step and ends with `RESULT: promoted` or `RESULT: aborted`.
//
// Exit codes: 0 a decision was reached (and matches --expect when given); 2 the decision differs
// from --expect; 1 the drill itself failed (nothing decided).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Cleanup } from './drill/cleanup';
import { runDrill, type Decision, type Fault } from './drill/drill';
import { durationMs } from './drill/template';

const USAGE = `usage: npm run drill:canary -- [--service fundraising|volunteers] [--fault none|errors|latency]
       [--expect promoted|aborted] [--window 30s] [--interval 10s] [--step-seconds 15] [--rps 40]
       [--error-fraction 0.2] [--latency-ms <ms>] [--count <n>] [--transport kafka|in-process]
       [--source auto|chart|adr] [--values <chart values file>]... [--latency-budget 0.25] [--scrape-interval 1s] [--warmup 150] [--durable-commits] [--verbose]`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      service: { type: 'string', default: 'fundraising' },
      fault: { type: 'string', default: 'none' },
      expect: { type: 'string' },
      window: { type: 'string', default: '30s' },
      interval: { type: 'string', default: '10s' },
      'step-seconds': { type: 'string', default: '15' },
      rps: { type: 'string', default: '40' },
      'error-fraction': { type: 'string', default: '0.2' },
      'latency-ms': { type: 'string' },
      count: { type: 'string' },
      transport: { type: 'string', default: 'kafka' },
      source: { type: 'string', default: 'auto' },
      values: { type: 'string', multiple: true, default: [] },
      'latency-budget': { type: 'string', default: '0.25' },
      'scrape-interval': { type: 'string', default: '1s' },
      warmup: { type: 'string', default: '150' },
      'durable-commits': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const fault = values.fault as Fault;
  if (!['none', 'errors', 'latency'].includes(fault)) throw new UsageError(`--fault must be none, errors or latency`);
  if (values.expect !== undefined && !['promoted', 'aborted'].includes(values.expect)) throw new UsageError('--expect must be promoted or aborted');
  if (!['kafka', 'in-process'].includes(values.transport!)) throw new UsageError('--transport must be kafka or in-process');
  if (!['auto', 'chart', 'adr'].includes(values.source!)) throw new UsageError('--source must be auto, chart or adr');
  if (!/^\d+(s|m)$/.test(values.window!)) throw new UsageError('--window must look like 20s or 1m');
  const rps = Number(values.rps);
  if (!(rps > 0 && rps <= 200)) throw new UsageError('--rps must be in (0, 200]: the drill is a bounded, moderate load');
  const errorFraction = Number(values['error-fraction']);
  if (!(errorFraction > 0 && errorFraction <= 1)) throw new UsageError('--error-fraction must be in (0, 1]');

  const cleanup = new Cleanup();
  const out = (line: string) => process.stdout.write(line + '\n');
  cleanup.installSignalHandlers(out);
  process.once('unhandledRejection', (err) => {
    out(`DRILL ERROR (unhandled): ${(err as Error)?.stack ?? err}`);
    void cleanup.run(out).finally(() => process.exit(1));
  });
  let decision: Decision;
  try {
    decision = await runDrill(
      {
        root: join(__dirname, '..'),
        service: values.service!,
        fault,
        window: values.window!,
        intervalMs: durationMs(values.interval!)!,
        stepMs: Number(values['step-seconds']) * 1000,
        rps,
        scrapeInterval: values['scrape-interval']!,
        errorFraction,
        latencyMs: values['latency-ms'] === undefined ? undefined : Number(values['latency-ms']),
        transport: values.transport as 'kafka' | 'in-process',
        countOverride: values.count === undefined ? undefined : Number(values.count),
        adrLatencyBudget: values['latency-budget']!,
        source: values.source as 'auto' | 'chart' | 'adr',
        valuesFiles: values.values!,
        warmupRequests: Number(values.warmup),
        durableCommits: values['durable-commits']!,
        verbose: values.verbose!,
        out,
      },
      cleanup,
    );
  } catch (err) {
    out(`DRILL ERROR: ${(err as Error).stack ?? err}`);
    await cleanup.run(values.verbose ? out : (l) => l.includes('FAILED') && out(l));
    return 1;
  }
  await cleanup.run(values.verbose ? out : (l) => l.includes('FAILED') && out(l));
  out(`RESULT: ${decision}`);
  if (values.expect && values.expect !== decision) {
    process.stderr.write(`expected ${values.expect}, the drill ${decision}\n`);
    return 2;
  }
  return 0;
}

class UsageError extends Error {}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof UsageError ? `${err.message}\n${USAGE}` : (err as Error).stack}\n`);
    process.exit(1);
  },
);
