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
  reminderDeliveries: {
    name: 'reminder_deliveries_total',
    type: 'counter',
    labels: ['channel', 'outcome'],
    service: 'collections',
    help: 'Reminder deliveries by channel (email, sms, letter) and the status each reached (sent, delivered, bounced, failed, deferred)',
  },
} as const satisfies Record<string, DomainMetric>;

export const DOMAIN_METRIC_LIST: readonly DomainMetric[] = Object.values(DOMAIN_METRICS);
