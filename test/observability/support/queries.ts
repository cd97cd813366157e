/**
 * Every PromQL query the platform ships, with where it came from: rule expressions, dashboard
 * targets and template variables, and the canary AnalysisTemplate's metrics. Sources are the
 * generated files and the umbrella chart as `helm template` renders it (what a cluster receives).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { DASHBOARDS_DIR, REPO_ROOT, RULES_FILE } from '../../../packages/observability/src/artifacts';
import { helmBinary } from '../../../packages/testing/src/tools';

export interface ShippedQuery {
  /** e.g. "rules:commonhold-slo-gateway/SloLatencyFastBurn", "dashboard:commonhold-overview/Outbox lag". */
  source: string;
  expr: string;
  /** Grafana template-variable queries (`label_values(...)`) are not plain PromQL. */
  kind: 'promql' | 'grafana-variable';
}

export interface RuleDefinition {
  record?: string;
  alert?: string;
  expr: string;
}

type K8sObject = { apiVersion?: string; kind?: string; metadata?: { name?: string }; spec?: any; data?: Record<string, string> };

export function ruleQueries(origin: string, groups: { name: string; rules: RuleDefinition[] }[]): ShippedQuery[] {
  return groups.flatMap((g) => g.rules.map((r) => ({ source: `${origin}:${g.name}/${r.record ?? r.alert}`, expr: r.expr, kind: 'promql' as const })));
}

export const recordNames = (groups: { rules: RuleDefinition[] }[]): string[] => groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : [])));

/** Targets of every panel (rows' nested panels included) and every query variable. */
export function dashboardQueries(origin: string, dashboard: any): ShippedQuery[] {
  const out: ShippedQuery[] = [];
  const visit = (panels: any[] = []) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (typeof t.expr === 'string') out.push({ source: `${origin}:${dashboard.uid}/${p.title}`, expr: t.expr, kind: 'promql' });
      visit(p.panels);
    }
  };
  visit(dashboard.panels);
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    if (typeof q === 'string') out.push({ source: `${origin}:${dashboard.uid}/$${v.name}`, expr: q, kind: 'grafana-variable' });
  }
  return out;
}

/** The fenced ```promql blocks of the SLO runbook: on-call pastes them, so they must work too. */
export function runbookQueries(): ShippedQuery[] {
  const text = readFileSync(join(REPO_ROOT, 'docs', 'runbooks', 'slo-alerts.md'), 'utf8');
  return [...text.matchAll(/^( *)```promql\n([\s\S]*?)^\1```$/gm)].map((m, i) => ({ source: `runbook:slo-alerts.md#${i + 1}`, expr: m[2]!.trim(), kind: 'promql' as const }));
}

export function generatedRuleGroups(): { name: string; rules: RuleDefinition[] }[] {
  return (parse(readFileSync(join(REPO_ROOT, RULES_FILE), 'utf8')) as { spec: { groups: { name: string; rules: RuleDefinition[] }[] } }).spec.groups;
}

export function generatedDashboards(): any[] {
  const dir = join(REPO_ROOT, DASHBOARDS_DIR);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}

function helm(args: string[]): string {
  const r = spawnSync(helmBinary(), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`helm ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/**
 * `helm template` of the umbrella chart with default values, from a scratch copy of charts/ whose
 * file:// dependencies are built there (the repository's charts/ is never written to).
 */
export function renderUmbrellaChart(): K8sObject[] {
  const chart = join(REPO_ROOT, 'charts', 'commonhold', 'Chart.yaml');
  if (!existsSync(chart)) throw new Error(`${chart} is missing: the analysis queries are read from the rendered umbrella chart`);
  const dir = mkdtempSync(join(tmpdir(), 'commonhold-obs-charts-'));
  try {
    cpSync(join(REPO_ROOT, 'charts'), dir, { recursive: true, filter: (src) => !/[\\/]charts[\\/][^\\/]+[\\/]charts[\\/][^\\/]+\.tgz$/.test(src) });
    // Leaf charts first (the app chart needs the library), then the umbrella.
    for (const sub of readdirSync(dir).filter((d) => d !== 'commonhold' && existsSync(join(dir, d, 'Chart.yaml')))) {
      const meta = parse(readFileSync(join(dir, sub, 'Chart.yaml'), 'utf8')) as { dependencies?: unknown[] };
      if (meta.dependencies?.length) helm(['dependency', 'build', join(dir, sub), '--skip-refresh']);
    }
    helm(['dependency', 'build', join(dir, 'commonhold'), '--skip-refresh']);
    const out = helm(['template', 'commonhold', join(dir, 'commonhold'), '--namespace', 'commonhold']);
    return parseAllDocuments(out)
      .map((d) => d.toJS() as K8sObject | null)
      .filter((o): o is K8sObject => !!o && typeof o === 'object');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function renderedQueries(objects: K8sObject[]) {
  const rules = objects.filter((o) => o.kind === 'PrometheusRule');
  const dashboards = objects.filter((o) => o.kind === 'ConfigMap' && (o as any).metadata?.labels?.grafana_dashboard === '1');
  const analyses = objects.filter((o) => o.kind === 'AnalysisTemplate' || o.kind === 'ClusterAnalysisTemplate');
  const queries: ShippedQuery[] = [
    ...rules.flatMap((r) => ruleQueries(`chart PrometheusRule ${r.metadata?.name}`, r.spec.groups)),
    ...dashboards.flatMap((cm) => Object.entries(cm.data ?? {}).flatMap(([file, json]) => dashboardQueries(`chart ConfigMap ${cm.metadata?.name}/${file}`, JSON.parse(json)))),
    ...analyses.flatMap((a) =>
      (a.spec.metrics ?? []).flatMap((m: any) => (m.provider?.prometheus?.query ? [{ source: `chart ${a.kind} ${a.metadata?.name}/${m.name}`, expr: m.provider.prometheus.query as string, kind: 'promql' as const }] : [])),
    ),
  ];
  return { queries, records: rules.flatMap((r) => recordNames(r.spec.groups)), counts: { rules: rules.length, dashboards: dashboards.length, analyses: analyses.length } };
}
