/**
 * Domain metrics services export today (they left `planned-metrics.ts` when their code landed).
 * Dashboards draw from these names; the metric-existence test proves each is really exported.
 */
export interface DomainMetric {
  name: string;
  type: 'counter' | 'histogram' | 'gauge';
  labels: readonly string[];
  /** The service that exports it (its `service` label). */
  service: string;
  help: string;
}

export const DOMAIN_METRICS = {
  webhookProcessingDuration: {
    name: 'webhook_processing_duration_seconds',
    type: 'histogram',
    labels: ['provider', 'outcome'],
    service: 'fundraising',
    help: 'Payment-provider webhook handling time (verify, stage, process) by provider and outcome',
  },
  webhookRejections: {
    name: 'webhook_rejections_total',
    type: 'counter',
    labels: ['provider', 'reason'],
    service: 'fundraising',
    help: 'Payment-provider webhooks refused before staging (bad, missing or expired signature; malformed body)',
  },
  fundraisingDashboardDuration: {
    name: 'fundraising_dashboard_duration_seconds',
    type: 'histogram',
    labels: ['query'],
    service: 'fundraising',
    help: 'Fundraising dashboard query duration by query (totals, retention, top donors)',
  },
  bulkJobDuration: {
    name: 'bulk_job_duration_seconds',
    type: 'histogram',
    labels: ['action'],
    service: 'bulk-ops',
    help: 'Bulk job execution duration from execute to the last item result, by action',
  },
  bulkJobs: {
    name: 'bulk_jobs_total',
    type: 'counter',
    labels: ['action', 'outcome'],
    service: 'bulk-ops',
    help: 'Finished bulk jobs by action and outcome (completed|completed_with_errors|failed)',
  },
  bulkJobItems: {
    name: 'bulk_job_items_total',
    type: 'counter',
    labels: ['action', 'outcome'],
    service: 'bulk-ops',
    help: 'Bulk job item outcomes recorded, by action and outcome (succeeded|failed)',
  },
  reminderDeliveries: {
    name: 'reminder_deliveries_total',
    type: 'counter',
    labels: ['channel', 'outcome'],
    service: 'collections',
    help: 'Reminder deliveries by channel (email, sms, letter) and the status each reached (sent, delivered, bounced, failed, deferred)',
  },
} as const satisfies Record<string, DomainMetric>;

export const DOMAIN_METRIC_LIST: readonly DomainMetric[] = Object.values(DOMAIN_METRICS);
