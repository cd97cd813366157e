import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { SLO_KINDS, sliExpr, sliRecordName } from '../rules';
import { BURN_RATE_ALERTS, SERVICE_SLOS, SLI_WINDOWS, SLO_PERIOD, errorBudgetOf, objectiveOf, type ServiceSlo } from '../slos';
import { Layout, dashboard, stat, timeseries, withThresholdLines } from './common';

const title = (kind: string) => kind[0]!.toUpperCase() + kind.slice(1);

/** SLOs: budget left over the period and burn rate per alert window, one row per service. */
export function sloDashboard(slos: readonly ServiceSlo[] = SERVICE_SLOS): Dashboard {
  const layout = new Layout(
    dashboard('commonhold-slo', 'Commonhold / SLOs', `Error budget left over ${SLO_PERIOD} and burn rates per alert window, from the SLO definitions in packages/observability/src/slos.ts.`),
  );
  const colours = ['yellow', 'orange', 'red']; // slowest → fastest burn
  for (const slo of slos) {
    layout.row(`${slo.service}: availability ${objectiveOf(slo, 'availability') * 100}%, latency ${objectiveOf(slo, 'latency') * 100}% under ${slo.latencyBudgetSeconds}s`);
    for (const kind of SLO_KINDS) {
      const budget = errorBudgetOf(slo, kind);
      const sli = sliExpr(slo, kind, SLO_PERIOD);
      layout.add(
        stat(`${title(kind)}: budget left (${SLO_PERIOD})`, `Share of the ${SLO_PERIOD} error budget (${budget * 100}% of requests) not yet spent; negative means the SLO is broken.`, 'percentunit', { expr: `1 - (${sli}) / ${budget}` }, [
          { value: null as unknown as number, color: 'red' },
          { value: 0, color: 'orange' },
          { value: 0.25, color: 'green' },
        ]),
        6,
        5,
      );
      layout.add(
        stat(`${title(kind)} over ${SLO_PERIOD}`, `Measured SLI against the objective of ${objectiveOf(slo, kind) * 100}%.`, 'percentunit', { expr: `1 - (${sli})` }, [
          { value: null as unknown as number, color: 'red' },
          { value: objectiveOf(slo, kind), color: 'green' },
        ]),
        6,
        5,
      );
    }
    for (const kind of SLO_KINDS) {
      const budget = errorBudgetOf(slo, kind);
      const burn = timeseries(
        `${title(kind)} burn rate`,
        `Error ratio / budget (${budget}) per window; 1 spends the budget exactly over ${SLO_PERIOD}. Alerts: ${BURN_RATE_ALERTS.map((p) => `${p.burnRate}x over ${p.longWindow} and ${p.shortWindow} (${p.severity})`).join('; ')}.`,
        'short',
        SLI_WINDOWS.map((w) => ({ expr: `${sliRecordName(kind, w)}{service="${slo.service}",slo="${kind}"} / ${budget}`, legend: w })),
      );
      layout.add(
        withThresholdLines(burn, [
          { value: null as unknown as number, color: 'green' },
          ...[...BURN_RATE_ALERTS].sort((a, b) => a.burnRate - b.burnRate).map((p, i) => ({ value: p.burnRate, color: colours[i] ?? 'red' })),
        ]),
        12,
      );
    }
  }
  return layout.build();
}
