import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { promtoolBinary } from '../../../packages/testing/src/tools';
import { REPO_ROOT, RULES_FILE } from '../../../packages/observability/src/artifacts';
import type { AlertingRule, RecordingRule, RuleGroup } from '../../../packages/observability/src/rules';

export interface PrometheusRuleManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: { groups: RuleGroup[] };
}

/** The PrometheusRule exactly as committed (what the chart ships), not a fresh generation. */
export function committedPrometheusRule(): PrometheusRuleManifest {
  return parse(readFileSync(join(REPO_ROOT, RULES_FILE), 'utf8')) as PrometheusRuleManifest;
}

export const isAlert = (r: AlertingRule | RecordingRule): r is AlertingRule => 'alert' in r;

export function committedAlert(service: string, alert: string): AlertingRule {
  const group = committedPrometheusRule().spec.groups.find((g) => g.rules.some((r) => isAlert(r) && r.alert === alert && r.labels.service === service));
  const rule = group?.rules.find((r): r is AlertingRule => isAlert(r) && r.alert === alert && r.labels.service === service);
  if (!rule) throw new Error(`no alert ${alert} for ${service} in ${RULES_FILE}`);
  return rule;
}

/** A scratch directory holding `rules.yaml` = the committed PrometheusRule's `spec.groups`. */
export function rulesWorkdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'commonhold-promtool-'));
  writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: committedPrometheusRule().spec.groups }, { lineWidth: 0 }));
  return dir;
}

export function promtool(args: string[], cwd: string) {
  const r = spawnSync(promtoolBinary(), args, { cwd, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** The committed alerting rules of the named groups, in order. */
export function groupAlerts(...groups: string[]): AlertingRule[] {
  const all = committedPrometheusRule().spec.groups;
  return groups.flatMap((name) => all.filter((g) => g.name === name).flatMap((g) => g.rules.filter(isAlert)));
}

/** A runbook's headings, lower-cased (alerts link to `<runbook>#<alert lower-cased>`). */
export function runbookHeadings(runbookPath: string): Set<string> {
  const text = readFileSync(join(REPO_ROOT, runbookPath), 'utf8');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase()));
}

export interface AlertCheck {
  /** Minutes from 0. */
  at: number;
  alert: string;
  /** The series labels of each firing instance (the rule's labels and annotations are added). */
  firing: Record<string, string>[];
}

/**
 * `promtool test rules` over the committed rules: input series one sample a minute, each check an
 * alert's expected firing instances at a minute. Throws with promtool's output when it fails.
 */
export function runAlertTest(alerts: AlertingRule[], input: { series: string; values: string }[], checks: AlertCheck[]): void {
  const expected = (alert: string, seriesLabels: Record<string, string>) => {
    const rule = alerts.find((a) => a.alert === alert)!;
    return { exp_labels: { ...seriesLabels, ...rule.labels }, exp_annotations: rule.annotations };
  };
  const dir = rulesWorkdir();
  const test = {
    rule_files: ['rules.yaml'],
    evaluation_interval: '1m',
    tests: [{ interval: '1m', input_series: input, alert_rule_test: checks.map((c) => ({ eval_time: `${c.at}m`, alertname: c.alert, exp_alerts: c.firing.map((l) => expected(c.alert, l)) })) }],
  };
  writeFileSync(join(dir, 'test.yaml'), stringify(test, { lineWidth: 0 }));
  const r = promtool(['test', 'rules', 'test.yaml'], dir);
  if (r.status !== 0) throw new Error(`promtool test rules failed (${dir}/test.yaml):\n${r.output}`);
  if (!/SUCCESS/.test(r.output)) throw new Error(`promtool test rules did not report SUCCESS:\n${r.output}`);
}
