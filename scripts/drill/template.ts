import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/**
 * One metric of the AnalysisTemplate as rendered: every field a string exactly as the template
 * holds it, because Argo substitutes `{{args.*}}` anywhere in a metric (the chart templates
 * `count` from an arg), and only then reads the numbers.
 */
export interface MetricSpec {
  name: string;
  query: string;
  successCondition?: string;
  failureCondition?: string;
  interval?: string;
  initialDelay?: string;
  count?: string;
  failureLimit?: string;
  inconclusiveLimit?: string;
  consecutiveErrorLimit?: string;
  providerAddress?: string;
}

export interface ArgSpec {
  name: string;
  value?: string;
  valueFrom?: { podTemplateHashValue?: 'Latest' | 'Stable'; fieldRef?: unknown; secretKeyRef?: unknown };
}

export type RolloutStep =
  | { setWeight: number }
  | { analysis: { templates: { templateName: string; clusterScope?: boolean }[]; args?: ArgSpec[] } }
  | { pause: { duration?: string | number } }
  | Record<string, unknown>;

export interface CanaryPlan {
  /** Where the template came from, for the drill's output. */
  source: string;
  fromChart: boolean;
  templateName: string;
  templateArgs: ArgSpec[];
  metrics: MetricSpec[];
  steps: RolloutStep[];
  /** strategy.canary.analysis: background analysis for the whole rollout. */
  background?: { templates: { templateName: string }[]; args?: ArgSpec[]; startingStep?: number };
}

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

export function metricFromTemplate(m: any): MetricSpec {
  const prom = m.provider?.prometheus;
  if (!prom?.query) throw new Error(`metric "${m.name}" has no provider.prometheus.query: the drill only evaluates Prometheus metrics`);
  return {
    name: String(m.name),
    query: String(prom.query).trim(),
    successCondition: str(m.successCondition),
    failureCondition: str(m.failureCondition),
    interval: str(m.interval),
    initialDelay: str(m.initialDelay),
    count: str(m.count),
    failureLimit: str(m.failureLimit),
    inconclusiveLimit: str(m.inconclusiveLimit),
    consecutiveErrorLimit: str(m.consecutiveErrorLimit),
    providerAddress: str(prom.address),
  };
}

/**
 * ADR 0003's AnalysisTemplate, transcribed verbatim from docs/adr/0003-canary-analysis-contract.md.
 * Used only while the chart does not exist; a unit test checks the transcription against the ADR.
 */
export const ADR_0003_QUERIES = {
  'success-rate':
    'sum(rate(http_request_duration_seconds_count{service="{{args.service-name}}",route="/graphql",rollouts_pod_template_hash="{{args.canary-hash}}",status_code!~"5.."}[2m])) / sum(rate(http_request_duration_seconds_count{service="{{args.service-name}}",route="/graphql",rollouts_pod_template_hash="{{args.canary-hash}}"}[2m]))',
  'latency-p95':
    'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="{{args.service-name}}",route="/graphql",rollouts_pod_template_hash="{{args.canary-hash}}"}[2m])))',
};
export const ADR_0003_CONDITIONS = {
  'success-rate': 'len(result) > 0 && result[0] >= 0.99',
  'latency-p95': 'len(result) > 0 && result[0] <= {{args.latency-budget-seconds}}',
};

export function planFromAdr(service: string, latencyBudgetSeconds: string): CanaryPlan {
  const args = (count: string): ArgSpec[] => [
    { name: 'service-name', value: service },
    { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
    { name: 'latency-budget-seconds', value: latencyBudgetSeconds },
    { name: 'measurement-count', value: count },
  ];
  const metric = (name: keyof typeof ADR_0003_QUERIES): MetricSpec => ({
    name,
    query: ADR_0003_QUERIES[name],
    successCondition: ADR_0003_CONDITIONS[name],
    interval: '1m',
    count: '{{args.measurement-count}}',
    failureLimit: '1',
    providerAddress: '{{args.prometheus-address}}',
  });
  // ADR 0003 as amended: steps pass measurement-count (3 by default), the background run "0".
  const analysis = { analysis: { templates: [{ templateName: 'commonhold-canary' }], args: args('3') } };
  return {
    source: 'ADR 0003 text (docs/adr/0003-canary-analysis-contract.md): no chart was found to render',
    fromChart: false,
    templateName: 'commonhold-canary',
    templateArgs: [{ name: 'service-name' }, { name: 'canary-hash' }, { name: 'latency-budget-seconds' }, { name: 'prometheus-address' }, { name: 'measurement-count', value: '3' }],
    metrics: [metric('success-rate'), metric('latency-p95')],
    steps: [{ setWeight: 10 }, analysis, { setWeight: 50 }, analysis, { setWeight: 100 }],
    background: { templates: [{ templateName: 'commonhold-canary' }], args: args('0') },
  };
}

// ---------------------------------------------------------------------------------------------
// The real chart

function chartDeps(chartDir: string): string[] {
  const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { dependencies?: { repository?: string }[] };
  return (chart.dependencies ?? []).map((d) => d.repository ?? '').filter((r) => r.startsWith('file://')).map((r) => join(chartDir, r.slice('file://'.length)));
}

/**
 * Renders `charts/<chart>` with `helm template` in a temporary copy of charts/ (so
 * `helm dependency build`, run leaf-first for file:// dependencies, never touches the repo).
 */
export function renderChart(helm: string, chartsDir: string, chart: string, extraArgs: string[] = []): any[] {
  const tmp = mkdtempSync(join(tmpdir(), 'commonhold-drill-charts-'));
  try {
    cpSync(chartsDir, tmp, { recursive: true, filter: (src) => !/\/charts\/[^/]+\/charts\/[^/]+\.tgz$/.test(src) });
    const built = new Set<string>();
    const build = (dir: string, depth = 0) => {
      if (built.has(dir) || depth > 10) return;
      built.add(dir);
      const deps = chartDeps(dir);
      for (const d of deps) build(d, depth + 1);
      if (deps.length) execFileSync(helm, ['dependency', 'build', dir, '--skip-refresh'], { stdio: 'pipe', encoding: 'utf8' });
    };
    const target = join(tmp, chart);
    build(target);
    const out = execFileSync(helm, ['template', 'drill', target, '--namespace', 'commonhold', ...extraArgs], { stdio: 'pipe', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return parseAllDocuments(out)
      .map((d) => d.toJS())
      .filter((o) => o && typeof o === 'object');
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`helm failed on charts/${chart}: ${e.stderr || e.message}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Which chart to render: the umbrella when present, else the app chart. */
export function findCharts(root: string): { chartsDir: string; umbrella?: string; app?: string } {
  const chartsDir = join(root, 'charts');
  const has = (name: string) => existsSync(join(chartsDir, name, 'Chart.yaml'));
  const all = existsSync(chartsDir) ? readdirSync(chartsDir).filter(has) : [];
  const umbrella = has('commonhold') ? 'commonhold' : undefined;
  const app = has('commonhold-service') ? 'commonhold-service' : all.find((c) => (parse(readFileSync(join(chartsDir, c, 'Chart.yaml'), 'utf8')) as { type?: string }).type !== 'library' && c !== umbrella);
  return { chartsDir, umbrella, app };
}

const serviceOf = (o: any): string | undefined =>
  o?.metadata?.labels?.['app.kubernetes.io/name'] ?? o?.metadata?.labels?.['app.kubernetes.io/component'] ?? o?.metadata?.name;

/** Picks the service's Rollout and the AnalysisTemplate its steps name out of rendered objects. */
export function planFromObjects(objects: any[], service: string, source: string): CanaryPlan {
  const rollouts = objects.filter((o) => o.kind === 'Rollout');
  const rollout =
    rollouts.find((r) => r.metadata?.name === service) ??
    rollouts.find((r) => serviceOf(r) === service) ??
    rollouts.find((r) => String(r.metadata?.name ?? '').endsWith(`-${service}`));
  if (!rollout) throw new Error(`no Rollout for service "${service}" in ${source} (rollouts: ${rollouts.map((r) => r.metadata?.name).join(', ') || 'none'})`);
  const canary = rollout.spec?.strategy?.canary;
  if (!canary?.steps?.length) throw new Error(`Rollout ${rollout.metadata.name} has no canary steps`);
  const steps = canary.steps as RolloutStep[];
  const analysisStep = steps.find((s): s is Extract<RolloutStep, { analysis: unknown }> => 'analysis' in s);
  const templateName = analysisStep?.analysis.templates[0]?.templateName ?? canary.analysis?.templates?.[0]?.templateName;
  if (!templateName) throw new Error(`Rollout ${rollout.metadata.name} names no AnalysisTemplate`);
  const ns = rollout.metadata?.namespace;
  const templates = objects.filter((o) => (o.kind === 'AnalysisTemplate' || o.kind === 'ClusterAnalysisTemplate') && o.metadata?.name === templateName);
  const template = templates.find((t) => serviceOf(t) === service) ?? templates.find((t) => !ns || !t.metadata?.namespace || t.metadata.namespace === ns) ?? templates[0];
  if (!template) throw new Error(`AnalysisTemplate "${templateName}" (named by Rollout ${rollout.metadata.name}) is not in ${source}`);
  return {
    source: `${source}: Rollout ${rollout.metadata.name}, ${template.kind} ${templateName}`,
    fromChart: true,
    templateName,
    templateArgs: (template.spec?.args ?? []) as ArgSpec[],
    metrics: (template.spec?.metrics ?? []).map(metricFromTemplate),
    steps,
    background: canary.analysis ? { templates: canary.analysis.templates, args: canary.analysis.args, startingStep: canary.analysis.startingStep } : undefined,
  };
}

export function planFromChart(root: string, helm: string, service: string, valuesFiles: string[] = []): CanaryPlan | undefined {
  const { chartsDir, umbrella, app } = findCharts(root);
  const values = valuesFiles.flatMap((f) => ['-f', resolve(root, f)]);
  const shown = valuesFiles.map((f) => ` -f ${f}`).join('');
  if (umbrella) return planFromObjects(renderChart(helm, chartsDir, umbrella, values), service, `helm template charts/${umbrella}${shown}`);
  if (app) {
    const valuesFile = [join(chartsDir, app, `values-${service}.yaml`), join(chartsDir, app, 'services', `${service}.yaml`)].find(existsSync);
    const extra = [...(valuesFile ? ['-f', valuesFile] : ['--set', `service.name=${service}`]), ...values];
    return planFromObjects(renderChart(helm, chartsDir, app, extra), service, `helm template charts/${app} ${extra.join(' ')}`);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Args, placeholders and the query window

/**
 * The values Argo would pass: the template's own arg defaults, overridden by the Rollout's
 * analysis args; `podTemplateHashValue: Latest` is the canary's hash, which the drill's targets
 * carry as "canary" (`Stable` → "stable"). Drill-side overrides (prometheus-address) win.
 */
export function resolveArgs(plan: CanaryPlan, rolloutArgs: ArgSpec[] | undefined, overrides: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of plan.templateArgs) if (a.value !== undefined) out[a.name] = String(a.value);
  for (const a of rolloutArgs ?? []) {
    if (a.value !== undefined) out[a.name] = String(a.value);
    else if (a.valueFrom?.podTemplateHashValue === 'Latest') out[a.name] = 'canary';
    else if (a.valueFrom?.podTemplateHashValue === 'Stable') out[a.name] = 'stable';
    else if (a.valueFrom) throw new Error(`arg "${a.name}" comes from ${JSON.stringify(a.valueFrom)}, which the drill cannot resolve locally`);
  }
  Object.assign(out, overrides);
  for (const a of plan.templateArgs) if (out[a.name] === undefined) throw new Error(`AnalysisTemplate arg "${a.name}" has no value`);
  return out;
}

export function substituteArgs(text: string, args: Record<string, string>): string {
  const out = text.replace(/\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/g, (_, name: string) => {
    const v = args[name];
    if (v === undefined) throw new Error(`placeholder {{args.${name}}} has no value`);
    return v;
  });
  if (out.includes('{{')) throw new Error(`unresolved template placeholder in: ${out}`);
  return out;
}

/** The drill's one deviation in the query text: every range selector `[2m]` becomes `[<window>]`. */
export function applyWindow(query: string, window: string): { query: string; replaced: string[] } {
  const replaced: string[] = [];
  const out = query.replace(/\[(\d+(?:ms|s|m|h|d|w|y))\]/g, (_, d: string) => {
    replaced.push(d);
    return `[${window}]`;
  });
  return { query: out, replaced };
}

/** Go/Argo durations as used in templates ("1m", "30s", "1m30s", "500ms"), or bare seconds. */
export function durationMs(d: string | number | undefined): number | undefined {
  if (d === undefined) return undefined;
  if (typeof d === 'number' || /^\d+$/.test(d)) return Number(d) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let matched = '';
  for (const m of d.matchAll(re)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    matched += m[0];
  }
  if (matched !== d) throw new Error(`cannot parse duration "${d}"`);
  return total;
}
