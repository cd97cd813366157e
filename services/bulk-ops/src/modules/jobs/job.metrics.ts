import { Counter, Histogram, type Registry } from 'prom-client';

/** bulk-ops' domain metrics, one set per service registry (ARCHITECTURE §7: bulk job duration/failure). */
export interface BulkMetrics {
  jobDuration: Histogram<'action'>;
  jobs: Counter<'action' | 'outcome'>;
  items: Counter<'action' | 'outcome'>;
}

const byRegistry = new WeakMap<Registry, BulkMetrics>();

export function bulkMetrics(registry: Registry): BulkMetrics {
  let m = byRegistry.get(registry);
  if (!m) {
    m = {
      jobDuration: new Histogram({
        name: 'bulk_job_duration_seconds',
        help: 'Bulk job execution duration from execute to the last item result, by action',
        labelNames: ['action'],
        buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
        registers: [registry],
      }),
      jobs: new Counter({ name: 'bulk_jobs_total', help: 'Finished bulk jobs by action and outcome (completed|completed_with_errors|failed)', labelNames: ['action', 'outcome'], registers: [registry] }),
      items: new Counter({ name: 'bulk_job_items_total', help: 'Bulk job item outcomes recorded, by action and outcome (succeeded|failed; failed_after_delivery: a reminder counted succeeded that bounced later)', labelNames: ['action', 'outcome'], registers: [registry] }),
    };
    byRegistry.set(registry, m);
  }
  return m;
}
