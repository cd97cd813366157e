// Burn-rate scenarios for `promtool test rules` against the committed PrometheusRule: for every
// SLO kind and every service, each alert fires when its two windows cross the threshold and not
// before, stays quiet for burns below it, and resolves once the short window is clean. Times are
// minutes after the errors start ("onset"); the arithmetic for each check is beside it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { alertName } from '../../../packages/observability/src/rules';
import { BURN_RATE_ALERTS, HISTOGRAM_BUCKETS_SECONDS, SERVICE_SLOS, errorBudgetOf, type ServiceSlo, type SloKind } from '../../../packages/observability/src/slos';
import { committedAlert, promtool, rulesWorkdir } from './promtool';
import { availabilitySeries, latencySeries, type InputSeries } from './series';

type AlertKind = 'FastBurn' | 'SlowBurn' | 'BudgetErosion';

interface Check {
  /** Minutes after onset (multiples of the scenario interval). */
  at: number;
  alert: AlertKind;
  firing: boolean | ((slo: ServiceSlo) => boolean);
}

export interface Scenario {
  title: string;
  intervalMinutes: 1 | 5;
  /** Healthy minutes before onset. */
  healthy: number;
  /** After onset: phases of `minutes` at `burn` × the error budget (0 = healthy again). */
  phases: { minutes: number; burn: number }[];
  /** Latency scenarios: how long the slow requests take (default: over every budget). */
  slowSeconds?: number;
  checks: Check[];
}

export const SCENARIOS: Scenario[] = [
  {
    title: '20x burn pages FastBurn once the 1h window passes 14.4x (43.2 min), not before',
    intervalMinutes: 1,
    healthy: 60,
    phases: [{ minutes: 120, burn: 20 }],
    checks: [
      { at: -1, alert: 'FastBurn', firing: false },
      { at: 40, alert: 'FastBurn', firing: false }, // 1h window: 40/60 × 20 = 13.3x < 14.4x
      { at: 47, alert: 'FastBurn', firing: true }, //  47/60 × 20 = 15.7x, 5m window 20x
      { at: 120, alert: 'FastBurn', firing: true },
    ],
  },
  {
    title: 'FastBurn resolves within 5 min of recovery although the 1h window is still burning',
    intervalMinutes: 1,
    healthy: 60,
    phases: [
      { minutes: 60, burn: 20 },
      { minutes: 30, burn: 0 },
    ],
    checks: [
      { at: 55, alert: 'FastBurn', firing: true },
      { at: 70, alert: 'FastBurn', firing: false }, // 1h window 50/60 × 20 = 16.7x, but the 5m window is clean
    ],
  },
  {
    title: '10x burn never pages FastBurn but pages SlowBurn once the 6h window passes 6x (3.6 h)',
    intervalMinutes: 1,
    healthy: 360,
    phases: [{ minutes: 300, burn: 10 }],
    checks: [
      { at: 60, alert: 'FastBurn', firing: false }, // every window at most 10x < 14.4x
      { at: 150, alert: 'FastBurn', firing: false },
      { at: 300, alert: 'FastBurn', firing: false },
      { at: 205, alert: 'SlowBurn', firing: false }, // 6h window: 205/360 × 10 = 5.69x < 6x
      { at: 230, alert: 'SlowBurn', firing: true }, //  230/360 × 10 = 6.39x, 30m window 10x
    ],
  },
  {
    title: '2x burn opens a BudgetErosion ticket once the 3d window passes 1x (36 h), and pages nobody',
    intervalMinutes: 5,
    healthy: 3 * 24 * 60,
    phases: [{ minutes: 40 * 60, burn: 2 }],
    checks: [
      { at: 6 * 60, alert: 'FastBurn', firing: false },
      { at: 38 * 60, alert: 'FastBurn', firing: false },
      { at: 6 * 60, alert: 'SlowBurn', firing: false }, // 2x < 6x on every window
      { at: 38 * 60, alert: 'SlowBurn', firing: false },
      { at: 34 * 60, alert: 'BudgetErosion', firing: false }, // 3d window: 34/72 × 2 = 0.94x < 1x
      { at: 38 * 60, alert: 'BudgetErosion', firing: true }, //  38/72 × 2 = 1.06x, 6h window 2x
    ],
  },
  {
    title: 'a steady 0.8x burn (within the SLO) raises nothing, even once the 3d window is full of it',
    intervalMinutes: 5,
    healthy: 5,
    phases: [{ minutes: 3 * 24 * 60 + 120, burn: 0.8 }],
    checks: (['FastBurn', 'SlowBurn', 'BudgetErosion'] as const).flatMap((alert) => [60, 3 * 24 * 60, 3 * 24 * 60 + 120].map((at) => ({ at, alert, firing: false }))),
  },
];

/** Latency only: requests of 0.3 s breach a subgraph's 0.25 s budget but not the gateway's 0.5 s. */
export const PER_SERVICE_BUDGET: Scenario = {
  title: 'the latency budget is per service: 20% of requests at 0.3 s pages only services whose budget is under 0.3 s',
  intervalMinutes: 1,
  healthy: 60,
  phases: [{ minutes: 60, burn: 20 }],
  slowSeconds: 0.3,
  checks: [{ at: 50, alert: 'FastBurn', firing: (slo) => slo.latencyBudgetSeconds < 0.3 }],
};

function seriesFor(slo: ServiceSlo, kind: SloKind, s: Scenario): InputSeries[] {
  const budget = errorBudgetOf(slo, kind);
  const phases = [{ intervals: s.healthy / s.intervalMinutes, bad: 0 }, ...s.phases.map((p) => ({ intervals: p.minutes / s.intervalMinutes, bad: p.burn * budget }))];
  return kind === 'availability' ? availabilitySeries(slo.service, phases) : latencySeries(slo.service, phases, s.slowSeconds ?? 10, HISTOGRAM_BUCKETS_SECONDS);
}

/**
 * One promtool test group per scenario, all services' series side by side (they differ only in
 * the `service` label): each check expects exactly the services that should be firing then.
 */
function promtoolTestFile(kind: SloKind, s: Scenario) {
  return {
    rule_files: ['rules.yaml'],
    evaluation_interval: `${s.intervalMinutes}m`,
    tests: [
      {
        interval: `${s.intervalMinutes}m`,
        input_series: SERVICE_SLOS.flatMap((slo) => seriesFor(slo, kind, s)),
        alert_rule_test: s.checks.map((c) => {
          const name = alertName(kind, BURN_RATE_ALERTS.find((p) => p.kind === c.alert)!);
          const firing = SERVICE_SLOS.filter((slo) => (typeof c.firing === 'function' ? c.firing(slo) : c.firing));
          return {
            eval_time: `${s.healthy + c.at}m`,
            alertname: name,
            exp_alerts: firing.map((slo) => {
              const rule = committedAlert(slo.service, name);
              return { exp_labels: rule.labels, exp_annotations: rule.annotations };
            }),
          };
        }),
      },
    ],
  };
}

export function runScenario(kind: SloKind, s: Scenario) {
  for (const c of s.checks) if ((s.healthy + c.at) % s.intervalMinutes !== 0) throw new Error(`check at ${c.at} is off the ${s.intervalMinutes}m grid`);
  const dir = rulesWorkdir();
  writeFileSync(join(dir, 'test.yaml'), stringify(promtoolTestFile(kind, s), { lineWidth: 0 }));
  const r = promtool(['test', 'rules', 'test.yaml'], dir);
  if (r.status !== 0) throw new Error(`promtool test rules failed (${dir}/test.yaml):\n${r.output}`);
  expect(r.output).toMatch(/SUCCESS/);
}

