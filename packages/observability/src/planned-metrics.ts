/**
 * Domain metrics the architecture names (§7) that no service exports yet. Dashboards draw their
 * panels from these names so the panels exist before the code; the metric-existence test accepts
 * exactly these names (and their histogram series) as "planned", each tied to the work that adds
 * it, and fails on any other unknown name. When a service starts exporting one, that test fails
 * until it is removed from here — the list only shrinks.
 */
export interface PlannedMetric {
  name: string;
  type: 'counter' | 'histogram' | 'gauge';
  labels: readonly string[];
  /** The service expected to export it (its `service` label). */
  service: string;
  /** Where the work is tracked: an issue number, or the unfiled work item that will add it. */
  addedBy: { issue: number; item: string } | { issue: null; item: string };
  help: string;
}

/** None at the moment: every metric a dashboard or rule reads is exported (bulk-ops and dunning moved theirs to domain-metrics.ts). */
export const PLANNED_METRICS = {} as const satisfies Record<string, PlannedMetric>;

export const PLANNED_METRIC_LIST: readonly PlannedMetric[] = Object.values(PLANNED_METRICS);

/** The series names a planned metric will expose (histograms add _bucket, _count, _sum). */
export function plannedSeriesNames(m: Pick<PlannedMetric, 'name' | 'type'>): string[] {
  return m.type === 'histogram' ? [`${m.name}_bucket`, `${m.name}_count`, `${m.name}_sum`] : [m.name];
}
