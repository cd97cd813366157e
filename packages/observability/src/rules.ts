import {
  BURN_RATE_ALERTS,
  SERVICE_SLOS,
  SLI_ROUTE,
  SLI_WINDOWS,
  SLO_PERIOD,
  budgetSpentByAlert,
  errorBudgetOf,
  objectiveOf,
  windowHours,
  type BurnRateAlertPolicy,
  type ServiceSlo,
  type SliWindow,
  type SloKind,
} from './slos';
import { auditRuleGroup, eventRuleGroup } from './event-alerts';
import { securityRuleGroup } from './security-alerts';

/** Repo-relative, so the link is right wherever the repository is hosted; anchors are headings. */
export const RUNBOOK_PATH = 'docs/runbooks/slo-alerts.md';

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}
export interface AlertingRule {
  alert: string;
  expr: string;
  /** How long the condition must hold before the alert fires (absent: at once). */
  for?: string;
  labels: Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string };
}
export interface RuleGroup {
  name: string;
  rules: (RecordingRule | AlertingRule)[];
}

export const SLO_KINDS: readonly SloKind[] = ['availability', 'latency'];

/** `sli:request_errors:ratio_rate1h` etc. (level:metric:operations, Prometheus naming practice). */
export const sliRecordName = (kind: SloKind, window: SliWindow): string =>
  `sli:${kind === 'availability' ? 'request_errors' : 'request_latency_misses'}:ratio_rate${window}`;

export const alertName = (kind: SloKind, policy: BurnRateAlertPolicy): string => `Slo${kind === 'availability' ? 'Availability' : 'Latency'}${policy.kind}`;

/** GitHub's heading anchor for a heading that is exactly the alert name. */
export const runbookAnchor = (alert: string): string => alert.toLowerCase();
export const runbookUrl = (alert: string): string => `${RUNBOOK_PATH}#${runbookAnchor(alert)}`;

/**
 * `le` as exported: prom-client prints 0.25 as "0.25" and 1 as "1"; Prometheus 3 normalises
 * integral bounds to "1.0". Integral budgets match both spellings.
 */
export const leMatcher = (budget: number): string => (Number.isInteger(budget) ? `le=~"${budget}(\\\\.0)?"` : `le="${budget}"`);

/**
 * Share of bad requests over `window`: the ADR 0003 signals. A healthy service has no 5xx series
 * at all, so the bad rate falls back to `0 * total` (per service) and the ratio reads 0 rather
 * than "no data"; with no traffic at all the ratio is empty and no alert can fire on it.
 */
export function sliExpr(slo: ServiceSlo, kind: SloKind, window: string, selector = `service="${slo.service}"`): string {
  const total = `sum by (service) (rate(http_request_duration_seconds_count{${selector},route="${SLI_ROUTE}"}[${window}]))`;
  if (kind === 'availability') {
    const bad = `sum by (service) (rate(http_request_duration_seconds_count{${selector},route="${SLI_ROUTE}",status_code=~"5.."}[${window}]))`;
    return `(${bad} or 0 * ${total}) / ${total}`;
  }
  const fast = `sum by (service) (rate(http_request_duration_seconds_bucket{${selector},route="${SLI_ROUTE}",${leMatcher(slo.latencyBudgetSeconds)}}[${window}]))`;
  return `1 - ${fast} / ${total}`;
}

export function recordingRules(slo: ServiceSlo): RecordingRule[] {
  return SLO_KINDS.flatMap((kind) => SLI_WINDOWS.map((w) => ({ record: sliRecordName(kind, w), expr: sliExpr(slo, kind, w), labels: { service: slo.service, slo: kind } })));
}

const pct = (x: number): string => `${Number((x * 100).toFixed(4))}%`;
const what = (slo: ServiceSlo, kind: SloKind): string =>
  kind === 'availability' ? `/graphql requests answering 5xx` : `/graphql requests slower than ${slo.latencyBudgetSeconds}s`;

export function burnRateAlert(slo: ServiceSlo, kind: SloKind, policy: BurnRateAlertPolicy): AlertingRule {
  const budget = errorBudgetOf(slo, kind);
  const threshold = `(${policy.burnRate} * ${budget})`;
  const sel = `{service="${slo.service}",slo="${kind}"}`;
  const name = alertName(kind, policy);
  const exhaustedInDays = windowHours(SLO_PERIOD) / policy.burnRate / 24;
  return {
    alert: name,
    expr: `${sliRecordName(kind, policy.longWindow)}${sel} > ${threshold}\nand\n${sliRecordName(kind, policy.shortWindow)}${sel} > ${threshold}`,
    labels: { severity: policy.severity, service: slo.service, slo: kind },
    annotations: {
      summary: `${slo.service}: ${kind} error budget burning ${policy.burnRate}x the sustainable rate`,
      description:
        `More than ${pct(policy.burnRate * budget)} of ${slo.service} ${what(slo, kind)} over both the last ${policy.longWindow} and the last ${policy.shortWindow} ` +
        `(SLO ${pct(objectiveOf(slo, kind))} over ${SLO_PERIOD}, budget ${pct(budget)}). The ${policy.longWindow} window alone spends ${pct(budgetSpentByAlert(policy))} ` +
        `of the ${SLO_PERIOD} budget; left like this the whole budget is gone in ${Number(exhaustedInDays.toFixed(1))} days.`,
      runbook_url: runbookUrl(name),
    },
  };
}

/** One group per service: its SLI recordings first, then its alerts, evaluated in that order. */
export function ruleGroups(slos: readonly ServiceSlo[] = SERVICE_SLOS): RuleGroup[] {
  return slos.map((slo) => ({
    name: `commonhold-slo-${slo.service}`,
    rules: [...recordingRules(slo), ...SLO_KINDS.flatMap((kind) => BURN_RATE_ALERTS.map((p) => burnRateAlert(slo, kind, p)))],
  }));
}

/** Every alert name the rules can raise (the runbook has one heading per name). */
export const ALERT_NAMES: readonly string[] = SLO_KINDS.flatMap((kind) => BURN_RATE_ALERTS.map((p) => alertName(kind, p)));

/** The full `monitoring.coreos.com/v1 PrometheusRule`; the umbrella chart adds namespace and release labels. */
export function prometheusRule(slos: readonly ServiceSlo[] = SERVICE_SLOS) {
  return {
    apiVersion: 'monitoring.coreos.com/v1' as const,
    kind: 'PrometheusRule' as const,
    metadata: {
      name: 'commonhold-slo',
      labels: { 'app.kubernetes.io/name': 'commonhold-slo', 'app.kubernetes.io/part-of': 'commonhold', 'app.kubernetes.io/component': 'slo' },
    },
    spec: { groups: [...ruleGroups(slos), eventRuleGroup(), auditRuleGroup(), securityRuleGroup()] },
  };
}
