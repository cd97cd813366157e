// The generated Grafana dashboards: the panels on-call needs, laid out without overlaps, every
// panel on the picked Prometheus, and every query valid PromQL (parsed by promtool).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { dashboards } from '../../packages/observability/src/artifacts';
import { PLANNED_METRIC_LIST, plannedSeriesNames } from '../../packages/observability/src/planned-metrics';
import { DOMAIN_METRIC_LIST } from '../../packages/observability/src/domain-metrics';
import { grafanaExprToPromql, metricNames } from '../../packages/observability/src/promql';
import { SLO_KINDS, sliRecordName } from '../../packages/observability/src/rules';
import { SERVICE_SLOS, SLI_WINDOWS } from '../../packages/observability/src/slos';
import { promtool, rulesWorkdir } from './support/promtool';

const all = dashboards() as any[];
const byUid = (uid: string) => all.find((d) => d.uid === uid);
const panelsOf = (d: any): any[] => d.panels.flatMap((p: any) => (p.type === 'row' ? (p.panels ?? []) : [p]));
const titles = (d: any) => panelsOf(d).map((p) => p.title);
const exprs = (p: any): string[] => p.targets.map((t: any) => t.expr);

it('are the overview, SLO, domain, security and programme KPI dashboards, tagged as generated', () => {
  expect(all.map((d) => d.uid)).toEqual(['commonhold-overview', 'commonhold-slo', 'commonhold-domain', 'commonhold-security', 'commonhold-kpis']);
  for (const d of all) {
    expect(d.tags).toEqual(['commonhold', 'generated']);
    expect(d.templating.list[0]).toMatchObject({ type: 'datasource', name: 'datasource', query: 'prometheus' });
  }
});

it('lay out every panel on the picked Prometheus, with unique ids and no overlaps', () => {
  for (const d of all) {
    const ids = d.panels.map((p: any) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of d.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++)
        for (let j = y; j < y + h; j++) {
          expect({ dashboard: d.uid, panel: p.title, cell: `${i},${j}`, free: !cells.has(`${i},${j}`) }).toMatchObject({ free: true });
          cells.add(`${i},${j}`);
        }
      if (p.type === 'row') continue;
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.targets.length).toBeGreaterThan(0);
      expect(new Set(p.targets.map((t: any) => t.refId)).size).toBe(p.targets.length);
      expect(p.description).toBeTruthy();
    }
  }
});

it('overview: requests, errors, p50/p95 per service and operation, events in/out, outbox and consumer lag, DLQ', () => {
  const d = byUid('commonhold-overview');
  expect(titles(d)).toEqual([
    'Requests per second',
    'Error ratio (5xx)',
    'GraphQL errors by operation',
    '/graphql latency p50 / p95',
    'Operation latency p50',
    'Operation latency p95',
    'Events published',
    'Events consumed',
    'Event handler p95',
    'Outbox lag',
    'Consumer lag',
    'Dead-lettered events',
  ]);
  const panel = (t: string) => panelsOf(d).find((p) => p.title === t);
  expect(exprs(panel('Operation latency p95'))[0]).toMatch(/^histogram_quantile\(0\.95, sum by \(service, operation, le\) \(rate\(graphql_operation_duration_seconds_bucket/);
  expect(exprs(panel('Operation latency p50'))[0]).toMatch(/^histogram_quantile\(0\.5, sum by \(service, operation, le\)/);
  expect(metricNames(exprs(panel('Events published'))[0]!)).toEqual(['events_published_total']);
  expect(metricNames(exprs(panel('Events consumed'))[0]!)).toEqual(['events_consumed_total']);
  expect(metricNames(exprs(panel('Outbox lag'))[0]!)).toEqual(['outbox_lag_seconds']);
  expect(metricNames(exprs(panel('Consumer lag'))[0]!)).toEqual(['consumer_lag_messages']);
  expect(metricNames(exprs(panel('Dead-lettered events'))[0]!)).toEqual(['dlq_events_total']);
  expect(d.templating.list.find((v: any) => v.name === 'service')).toMatchObject({ type: 'query', query: 'label_values(http_request_duration_seconds_count, service)', includeAll: true, multi: true });
});

it('SLO: budget left and burn rate over every alert window, per service and SLO', () => {
  const d = byUid('commonhold-slo');
  const panels = panelsOf(d);
  for (const slo of SERVICE_SLOS) {
    const row = d.panels.filter((p: any) => p.type === 'row').find((r: any) => r.title.startsWith(`${slo.service}:`));
    expect(row).toBeDefined();
    for (const kind of SLO_KINDS) {
      const budgetLeft = panels.filter((p) => p.type === 'stat' && p.title.endsWith('budget left (30d)') && p.targets[0].expr.includes(`service="${slo.service}"`) && p.title.toLowerCase().startsWith(kind));
      expect(budgetLeft).toHaveLength(1);
      const burn = panels.find((p) => p.type === 'timeseries' && p.title.toLowerCase() === `${kind} burn rate` && p.targets[0].expr.includes(`service="${slo.service}"`));
      expect(exprs(burn).map((e) => metricNames(e)[0])).toEqual(SLI_WINDOWS.map((w) => sliRecordName(kind, w)));
      expect(burn.fieldConfig.defaults.thresholds.steps.map((s: any) => s.value)).toEqual([null, 1, 6, 14.4]);
    }
  }
});

it('domain: webhook and dashboard latency, reminder outcomes, collections KPIs, volunteer and bulk-job outcomes, vote to task, vendor SLA breaches, grants, from the domain and planned metric names', () => {
  const d = byUid('commonhold-domain');
  expect(titles(d)).toEqual(['Webhook processing latency', 'Webhooks by outcome', 'Webhook rejections', 'Dashboard query latency', 'Reminder deliveries', 'Reminder delivery failure ratio', 'Collection rate', 'Time to collect', 'Reconciliation mismatch rate', 'Shift signups', 'Shift reminder deliveries', 'Bulk job duration', 'Bulk job outcomes', 'Bulk job item outcomes', 'Vote to task latency', 'Vote to task within 5 minutes', 'Vendor SLA breaches', 'Grants dashboard query latency', 'Grant deliverable reminders']);
  const used = new Set(panelsOf(d).flatMap((p) => exprs(p).flatMap(metricNames)));
  for (const m of [...PLANNED_METRIC_LIST, ...DOMAIN_METRIC_LIST]) expect({ metric: m.name, drawn: plannedSeriesNames(m).some((n) => used.has(n)) }).toEqual({ metric: m.name, drawn: true });
});

it('every query is valid PromQL (promtool parses each as a rule)', () => {
  const queries = all.flatMap((d) => panelsOf(d).flatMap((p) => exprs(p).map((expr, i) => ({ record: `dashboard:${d.uid.replace(/-/g, '_')}:q${p.id}_${i}`, expr: grafanaExprToPromql(expr) }))));
  expect(queries.length).toBeGreaterThan(40);
  const dir = rulesWorkdir();
  writeFileSync(join(dir, 'dashboards.yaml'), stringify({ groups: [{ name: 'dashboard-queries', rules: queries }] }, { lineWidth: 0 }));
  const r = promtool(['check', 'rules', 'dashboards.yaml'], dir);
  expect(r.output).toMatch(new RegExp(`SUCCESS: ${queries.length} rules found`));
  expect(r.status).toBe(0);
});
