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
