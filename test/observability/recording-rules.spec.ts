// The SLI recording rules under `promtool test rules`: exact ratios per window, 0 rather than
// "no data" for a healthy service, absent (so no alert can fire) for a service without traffic.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { sliRecordName } from '../../packages/observability/src/rules';
import { HISTOGRAM_BUCKETS_SECONDS, SERVICE_SLOS, errorBudgetOf, type ServiceSlo, type SloKind } from '../../packages/observability/src/slos';
import { promtool, rulesWorkdir } from './support/promtool';
import { availabilitySeries, counterValues, expand, latencySeries } from './support/series';

describe('series builder', () => {
  it('writes a counter that grows by each phase step, absent until first seen', () => {
    expect(expand(counterValues([{ intervals: 2, step: 5 }, { intervals: 3, step: 1 }]))).toEqual([0, 5, 10, 11, 12, 13]);
    expect(expand(counterValues([{ intervals: 2, step: 0 }, { intervals: 2, step: 3 }], 3))).toEqual([undefined, undefined, undefined, 3, 6]);
  });
});

describe('recording rules (promtool test rules)', () => {
  const evalAt = '120m';
  const series = (kind: SloKind, service: string, bad: number) =>
    kind === 'availability' ? availabilitySeries(service, [{ intervals: 120, bad }]) : latencySeries(service, [{ intervals: 120, bad }], 10, HISTOGRAM_BUCKETS_SECONDS);
  const sel = (slo: ServiceSlo, kind: SloKind) => `{service="${slo.service}",slo="${kind}"}`;

  it.each(['availability', 'latency'] as const)('%s: the exact bad share per window, 0 for a healthy service without any 5xx series, nothing without traffic', (kind) => {
    const dir = rulesWorkdir();
    const tests = [
      {
        // Every service steadily at 10x its budget: each recorded ratio is exactly that share.
        interval: '1m',
        input_series: SERVICE_SLOS.flatMap((slo) => series(kind, slo.service, 10 * errorBudgetOf(slo, kind))),
        promql_expr_test: SERVICE_SLOS.flatMap((slo) =>
          (['5m', '30m', '1h'] as const).map((w) => ({
            expr: `abs(${sliRecordName(kind, w)}${sel(slo, kind)} - ${10 * errorBudgetOf(slo, kind)}) < bool 1e-9`,
            eval_time: evalAt,
            exp_samples: [{ labels: sel(slo, kind), value: 1 }],
          })),
        ),
      },
      {
        // Healthy: no 5xx series exists at all (as in prom-client), yet the ratio reads 0, not "no data".
        interval: '1m',
        input_series: SERVICE_SLOS.flatMap((slo) => series(kind, slo.service, 0)),
        promql_expr_test: SERVICE_SLOS.flatMap((slo) =>
          (['5m', '1h', '3d'] as const).map((w) => ({ expr: `${sliRecordName(kind, w)}${sel(slo, kind)}`, eval_time: evalAt, exp_samples: [{ labels: `${sliRecordName(kind, w)}${sel(slo, kind)}`, value: 0 }] })),
        ),
      },
      {
        // Another service's traffic only: no service of ours has an SLI sample (absent, not 0 or NaN).
        interval: '1m',
        input_series: series(kind, 'someone-else', 0.5),
        promql_expr_test: (['5m', '1h', '3d'] as const).map((w) => ({ expr: sliRecordName(kind, w), eval_time: evalAt, exp_samples: [] })),
      },
    ];
    writeFileSync(join(dir, 'test.yaml'), stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }, { lineWidth: 0 }));
    const r = promtool(['test', 'rules', 'test.yaml'], dir);
    if (r.status !== 0) throw new Error(`promtool test rules failed (${dir}/test.yaml):\n${r.output}`);
    expect(r.output).toMatch(/SUCCESS/);
  }, 120_000);
});
