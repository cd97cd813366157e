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
    help: 'Bulk job item outcomes recorded, by action and outcome (succeeded|failed; failed_after_delivery: a reminder counted succeeded that bounced later)',
  },
  voteToTask: {
    name: 'vote_to_task_seconds',
    type: 'histogram',
    labels: ['action'],
    service: 'voting',
    help: "Seconds from a vote's close to the work its automation rule created (task, project, or work-order request), by action",
  },
  reminderDeliveries: {
    name: 'reminder_deliveries_total',
    type: 'counter',
    labels: ['channel', 'outcome'],
    service: 'collections',
    help: 'Reminder deliveries by channel (email, sms, letter) and the status each reached (sent, delivered, bounced, failed, deferred)',
  },
  vendorSlaBreaches: {
    name: 'vendor_sla_breaches_total',
    type: 'counter',
    labels: ['kind'],
    service: 'vendors',
    help: 'Vendor SLA breaches by kind: response (accepted after the response deadline) or completion (completed after the due date)',
  },
  volunteerSignups: {
    name: 'volunteer_signups_total',
    type: 'counter',
    labels: ['source', 'outcome'],
    service: 'volunteers',
    help: 'Shift signups by source (staff|public) and outcome (placed|waitlisted)',
  },
  volunteerReminderDeliveries: {
    name: 'volunteer_reminder_deliveries_total',
    type: 'counter',
    labels: ['channel', 'outcome'],
    service: 'volunteers',
    help: 'Shift reminder deliveries by channel and the status each reached (sent, delivered, bounced, failed, deferred)',
  },
  grantsDashboardDuration: {
    name: 'grants_dashboard_duration_seconds',
    type: 'histogram',
    labels: ['query'],
    service: 'grants',
    help: 'Grants dashboard query duration by query (pipeline, conversion, deliverables, awarded_vs_paid)',
  },
  grantReminderDeliveries: {
    name: 'grant_reminder_deliveries_total',
    type: 'counter',
    labels: ['channel', 'outcome'],
    service: 'grants',
    help: 'Grant deliverable reminder deliveries by channel and the status each reached (sent, delivered, bounced, failed, deferred)',
  },
  collectionRate: {
    name: 'collections_collection_rate',
    type: 'gauge',
    labels: ['currency'],
    service: 'collections',
    help: 'Collected ÷ charged (ratio), ledger entries booked in the last 90 days net of reversals, over all tenants, by currency (the KPI pass)',
  },
  timeToCollect: {
    name: 'collections_time_to_collect_days',
    type: 'histogram',
    labels: ['method'],
    service: 'collections',
    help: 'Days from a debit’s due date to the payment that closed it, by payment method (manual, bank_file, provider)',
  },
  reconciliationMismatch: {
    name: 'collections_reconciliation_mismatch_ratio',
    type: 'gauge',
    labels: [],
    service: 'collections',
    help: 'Reconciliation items (apartment balances vs ledger, posted bank lines vs payments, bank-file payments vs lines) that do not reconcile ÷ items checked (KPI: < 0.2 %)',
  },
} as const satisfies Record<string, DomainMetric>;

export const DOMAIN_METRIC_LIST: readonly DomainMetric[] = Object.values(DOMAIN_METRICS);
