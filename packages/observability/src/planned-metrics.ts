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

export const PLANNED_METRICS = {
  bulkJobDuration: {
    name: 'bulk_job_duration_seconds',
    type: 'histogram',
    labels: ['template'],
    service: 'bulk-ops',
    addedBy: { issue: null, item: 'bulk-ops subgraph: bulk job execution (ARCHITECTURE §9 story 3), not yet filed' },
    help: 'Bulk job execution duration from start to last item',
  },
  bulkJobs: {
    name: 'bulk_jobs_total',
    type: 'counter',
    labels: ['template', 'outcome'],
    service: 'bulk-ops',
    addedBy: { issue: null, item: 'bulk-ops subgraph: bulk job execution (ARCHITECTURE §9 story 3), not yet filed' },
    help: 'Finished bulk jobs by outcome (succeeded|failed|partially_failed)',
  },
} as const satisfies Record<string, PlannedMetric>;

export const PLANNED_METRIC_LIST: readonly PlannedMetric[] = Object.values(PLANNED_METRICS);

/** The series names a planned metric will expose (histograms add _bucket, _count, _sum). */
export function plannedSeriesNames(m: Pick<PlannedMetric, 'name' | 'type'>): string[] {
  return m.type === 'histogram' ? [`${m.name}_bucket`, `${m.name}_count`, `${m.name}_sum`] : [m.name];
}
