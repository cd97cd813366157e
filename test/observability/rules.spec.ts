// The committed PrometheusRule: valid for promtool and for the prometheus-operator CRD schema,
// one recording rule per SLI and window and three burn-rate alerts per SLO, each alert labelled
// for routing and linking a runbook section that exists.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ALERT_NAMES, SLO_KINDS, alertName, runbookAnchor, sliRecordName, type AlertingRule, type RecordingRule } from '../../packages/observability/src/rules';
import { BURN_RATE_ALERTS, SERVICE_SLOS, SLI_WINDOWS } from '../../packages/observability/src/slos';
import { AUDIT_ALERT_NAMES, EVENT_ALERT_NAMES } from '../../packages/observability/src/event-alerts';
import { SECURITY_ALERT_NAMES } from '../../packages/observability/src/security-alerts';
import { SCENARIOS, PER_SERVICE_BUDGET } from './support/burn-scenarios';
import { committedPrometheusRule, isAlert, promtool, rulesWorkdir } from './support/promtool';
import { runbookQueries } from './support/queries';

const REPO = join(__dirname, '..', '..');
const manifest = committedPrometheusRule();
const rules = manifest.spec.groups.flatMap((g) => g.rules);
// The SLO groups' alerts; the event-path group (commonhold-events) has its own spec (event-alerts.spec.ts).
const alerts = manifest.spec.groups.filter((g) => g.name.startsWith('commonhold-slo-')).flatMap((g) => g.rules).filter(isAlert);
const recordings = rules.filter((r): r is RecordingRule => !isAlert(r));

it('passes promtool check rules (syntax and lint)', () => {
  const dir = rulesWorkdir();
  const r = promtool(['check', 'rules', 'rules.yaml'], dir);
  // Per service and SLO kind: one recording rule per SLI window and one alert per burn rate; then the event, audit and security alerts.
  const expected = SERVICE_SLOS.length * SLO_KINDS.length * (SLI_WINDOWS.length + BURN_RATE_ALERTS.length) + EVENT_ALERT_NAMES.length + AUDIT_ALERT_NAMES.length + SECURITY_ALERT_NAMES.length;
  expect(r.output).toMatch(new RegExp(`SUCCESS: ${expected} rules found`));
  expect(rules.length).toBe(expected);
  expect(r.status).toBe(0);
});

it('is a valid monitoring.coreos.com/v1 PrometheusRule (CRD schema) and up to date', () => {
  // kubernetes-models ships ESM only: the generator's --check mode validates it in a node process.
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'packages/observability/src/generate.ts', '--check'], { cwd: REPO, encoding: 'utf8' });
  expect(`${r.stdout}${r.stderr}`).toMatch(/generated files up to date/);
  expect(r.status).toBe(0);
  expect(manifest).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'commonhold-slo' } });
});

it('records both SLIs over 5m, 30m, 1h, 6h and 3d for every service', () => {
  const got = recordings.map((r) => `${r.labels.service} ${r.record}`).sort();
  const want = SERVICE_SLOS.flatMap((s) => SLO_KINDS.flatMap((k) => SLI_WINDOWS.map((w) => `${s.service} ${sliRecordName(k, w)}`))).sort();
  expect(got).toEqual(want);
  expect(SLI_WINDOWS).toEqual(['5m', '30m', '1h', '6h', '3d']);
  for (const r of recordings) {
    expect(r.record).toMatch(/^sli:request_(errors|latency_misses):ratio_rate(5m|30m|1h|6h|3d)$/);
    expect(r.expr).toContain(`service="${r.labels.service}"`);
    expect(r.expr).toContain('route="/graphql"');
  }
});

it('selects the ADR 0003 signals: 5xx for availability, the service budget bucket for latency', () => {
  const expr = (service: string, record: string) => recordings.find((r) => r.labels.service === service && r.record === record)!.expr;
  expect(expr('gateway', 'sli:request_errors:ratio_rate1h')).toContain('http_request_duration_seconds_count{service="gateway",route="/graphql",status_code=~"5.."}[1h]');
  expect(expr('gateway', 'sli:request_latency_misses:ratio_rate1h')).toContain('http_request_duration_seconds_bucket{service="gateway",route="/graphql",le="0.5"}[1h]');
  expect(expr('fundraising', 'sli:request_latency_misses:ratio_rate3d')).toContain('http_request_duration_seconds_bucket{service="fundraising",route="/graphql",le="0.25"}[3d]');
});

it('alerts three ways per SLO with the workbook thresholds', () => {
  const got = alerts.map((a) => [a.labels.service, a.alert, a.labels.severity, a.expr.replace(/\s+/g, ' ')]);
  const want = SERVICE_SLOS.flatMap((s) => [
    [s.service, 'SloAvailabilityFastBurn', 'page', `sli:request_errors:ratio_rate1h{service="${s.service}",slo="availability"} > (14.4 * 0.005) and sli:request_errors:ratio_rate5m{service="${s.service}",slo="availability"} > (14.4 * 0.005)`],
    [s.service, 'SloAvailabilitySlowBurn', 'page', `sli:request_errors:ratio_rate6h{service="${s.service}",slo="availability"} > (6 * 0.005) and sli:request_errors:ratio_rate30m{service="${s.service}",slo="availability"} > (6 * 0.005)`],
    [s.service, 'SloAvailabilityBudgetErosion', 'ticket', `sli:request_errors:ratio_rate3d{service="${s.service}",slo="availability"} > (1 * 0.005) and sli:request_errors:ratio_rate6h{service="${s.service}",slo="availability"} > (1 * 0.005)`],
    [s.service, 'SloLatencyFastBurn', 'page', `sli:request_latency_misses:ratio_rate1h{service="${s.service}",slo="latency"} > (14.4 * 0.01) and sli:request_latency_misses:ratio_rate5m{service="${s.service}",slo="latency"} > (14.4 * 0.01)`],
    [s.service, 'SloLatencySlowBurn', 'page', `sli:request_latency_misses:ratio_rate6h{service="${s.service}",slo="latency"} > (6 * 0.01) and sli:request_latency_misses:ratio_rate30m{service="${s.service}",slo="latency"} > (6 * 0.01)`],
    [s.service, 'SloLatencyBudgetErosion', 'ticket', `sli:request_latency_misses:ratio_rate3d{service="${s.service}",slo="latency"} > (1 * 0.01) and sli:request_latency_misses:ratio_rate6h{service="${s.service}",slo="latency"} > (1 * 0.01)`],
  ]);
  expect(got).toEqual(want);
});

it('labels every alert severity/service/slo and annotates summary, description and runbook_url', () => {
  for (const a of alerts as AlertingRule[]) {
    expect(Object.keys(a.labels).sort()).toEqual(['service', 'severity', 'slo']);
    expect(['page', 'ticket']).toContain(a.labels.severity);
    expect(Object.keys(a.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
    expect(a.annotations.summary).toContain(a.labels.service);
    expect(a.annotations.runbook_url).toBe(`docs/runbooks/slo-alerts.md#${a.alert.toLowerCase()}`);
    // Helm renders the file through fromYaml/toYaml; no template braces may hide in it.
    for (const text of [a.expr, ...Object.values(a.labels), ...Object.values(a.annotations)]) expect(text).not.toMatch(/\{\{|\}\}/);
  }
});

it('links each alert to a runbook heading that exists (GitHub anchor of the heading)', () => {
  const runbook = readFileSync(join(REPO, 'docs', 'runbooks', 'slo-alerts.md'), 'utf8');
  const slug = (h: string) => h.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
  const anchors = new Set([...runbook.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
  for (const name of ALERT_NAMES) expect({ name, anchored: anchors.has(runbookAnchor(name)) }).toEqual({ name, anchored: true });
  expect(new Set(alerts.map((a) => a.alert))).toEqual(new Set(ALERT_NAMES));
});

it('has a promtool scenario proving each alert kind fires, and one proving it stays quiet before that', () => {
  for (const kind of BURN_RATE_ALERTS.map((p) => p.kind)) {
    const checks = [...SCENARIOS, PER_SERVICE_BUDGET].flatMap((s) => s.checks.filter((c) => c.alert === kind));
    expect({ kind, fires: checks.some((c) => c.firing === true), quiet: checks.some((c) => c.firing === false) }).toEqual({ kind, fires: true, quiet: true });
  }
  expect(ALERT_NAMES).toEqual(SLO_KINDS.flatMap((k) => BURN_RATE_ALERTS.map((p) => alertName(k, p))));
});

it('gives on-call runbook queries that are valid PromQL', () => {
  const queries = runbookQueries();
  expect(queries.length).toBeGreaterThanOrEqual(10);
  const dir = rulesWorkdir();
  writeFileSync(join(dir, 'runbook.yaml'), stringify({ groups: [{ name: 'runbook', rules: queries.map((q, i) => ({ record: `runbook:query_${i + 1}`, expr: q.expr })) }] }, { lineWidth: 0 }));
  const r = promtool(['check', 'rules', 'runbook.yaml'], dir);
  expect(r.output).toMatch(new RegExp(`SUCCESS: ${queries.length} rules found`));
  expect(r.status).toBe(0);
});
