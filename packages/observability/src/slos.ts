/**
 * The one SLO definition per service (ARCHITECTURE §7, ADR 0003). Recording rules, burn-rate
 * alerts, the SLO dashboard and the chart values' `slo.latencyBudgetSeconds` /
 * `slo.availabilityObjective` all derive from (or are checked against) this file.
 *
 * Signals are the ADR 0003 contract, exported by every service through the kit:
 * - requests: `http_request_duration_seconds_count{service, route="/graphql", status_code}`
 * - latency:  `http_request_duration_seconds_bucket{service, route="/graphql", le}`
 * - a request is bad when `status_code=~"5.."`; slow when it took longer than the latency budget.
 */

import { SERVICE_REGISTRY } from '../../kit/src/registry.generated';

/** The kit's latency histogram buckets (packages/kit/src/metrics.ts); a test holds them equal. */
export const HISTOGRAM_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** The route every SLI measures: the GraphQL endpoint, not probes or /metrics scrapes. */
export const SLI_ROUTE = '/graphql';

/** Error budgets are accounted over a rolling 30 days (the burn rates below assume it). */
export const SLO_PERIOD = '30d';
export const SLO_PERIOD_HOURS = 30 * 24;

export type SloKind = 'availability' | 'latency';

export interface ServiceSlo {
  service: string;
  /** Share of /graphql requests over the SLO period that must not answer 5xx (0.995 = 99.5 %). */
  availabilityObjective: number;
  /** Share of /graphql requests over the SLO period that must finish within the latency budget. */
  latencyObjective: number;
  /** The latency budget; must be a bucket boundary so "within budget" is an exact bucket count. */
  latencyBudgetSeconds: number;
}

/** Validates a definition once, so a budget between buckets fails at load time, not in Grafana. */
export function defineSlo(slo: ServiceSlo): ServiceSlo {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]*$/.test(slo.service)) problems.push(`service "${slo.service}" is not a kebab-case service name`);
  for (const key of ['availabilityObjective', 'latencyObjective'] as const) {
    if (!(slo[key] > 0.9 && slo[key] < 1)) problems.push(`${key} ${slo[key]} must be a ratio in (0.9, 1), e.g. 0.995`);
  }
  if (!(HISTOGRAM_BUCKETS_SECONDS as readonly number[]).includes(slo.latencyBudgetSeconds)) {
    problems.push(`latencyBudgetSeconds ${slo.latencyBudgetSeconds} is not a histogram bucket boundary (${HISTOGRAM_BUCKETS_SECONDS.join(', ')})`);
  }
  if (problems.length) throw new Error(`invalid SLO for ${slo.service}: ${problems.join('; ')}`);
  return Object.freeze({ ...slo });
}

/**
 * One SLO pair per deployable, declared in its service.json (services/<name>/service.json,
 * gateway/service.json) and carried here through the kit's generated registry. Subgraphs use 0.25 s
 * (the bucket boundary at or under the 0.3 s a subgraph hop is budgeted); the gateway, which waits
 * on subgraphs, 0.5 s.
 */
export const SERVICE_SLOS: readonly ServiceSlo[] = SERVICE_REGISTRY.map((s) => defineSlo({ service: s.name, ...s.slo }));

export function sloFor(service: string): ServiceSlo {
  const slo = SERVICE_SLOS.find((s) => s.service === service);
  if (!slo) throw new Error(`no SLO defined for service "${service}"`);
  return slo;
}

export const objectiveOf = (slo: ServiceSlo, kind: SloKind): number => (kind === 'availability' ? slo.availabilityObjective : slo.latencyObjective);

/** 1 − objective, rounded so 1 − 0.995 prints as 0.005 in rules and dashboards. */
export const errorBudgetOf = (slo: ServiceSlo, kind: SloKind): number => Number((1 - objectiveOf(slo, kind)).toFixed(10));

/** The windows each SLI is recorded over: every window some burn-rate alert reads. */
export const SLI_WINDOWS = ['5m', '30m', '1h', '6h', '3d'] as const;
export type SliWindow = (typeof SLI_WINDOWS)[number];

export interface BurnRateAlertPolicy {
  /** Suffix of the alert name and of the runbook anchor. */
  kind: 'FastBurn' | 'SlowBurn' | 'BudgetErosion';
  severity: 'page' | 'ticket';
  /** How many times faster than "exactly spend the budget over the period" the SLI is failing. */
  burnRate: number;
  longWindow: SliWindow;
  /** Must also be burning now: lets the alert resolve soon after the problem stops. */
  shortWindow: SliWindow;
}

/**
 * Multi-window, multi-burn-rate alerts (Google SRE workbook, "Alerting on SLOs", table 5-8):
 * 14.4× over 1h spends 2 % of a 30-day budget; 6× over 6h spends 5 %; 1× over 3d spends 10 %.
 */
export const BURN_RATE_ALERTS: readonly BurnRateAlertPolicy[] = [
  { kind: 'FastBurn', severity: 'page', burnRate: 14.4, longWindow: '1h', shortWindow: '5m' },
  { kind: 'SlowBurn', severity: 'page', burnRate: 6, longWindow: '6h', shortWindow: '30m' },
  { kind: 'BudgetErosion', severity: 'ticket', burnRate: 1, longWindow: '3d', shortWindow: '6h' },
];

export const windowHours = (w: string): number => {
  const m = /^(\d+)([mhd])$/.exec(w);
  if (!m) throw new Error(`not a window: ${w}`);
  return Number(m[1]) * { m: 1 / 60, h: 1, d: 24 }[m[2] as 'm' | 'h' | 'd'];
};

/** Share of the period's budget an alert's long window spends at its burn rate (2 %, 5 %, 10 %). */
export const budgetSpentByAlert = (p: BurnRateAlertPolicy): number => (p.burnRate * windowHours(p.longWindow)) / SLO_PERIOD_HOURS;
