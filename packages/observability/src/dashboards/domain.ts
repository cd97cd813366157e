import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DOMAIN_METRICS, type DomainMetric } from '../domain-metrics';
import type { PlannedMetric } from '../planned-metrics';
import { Layout, RATE, dashboard, timeseries } from './common';

const { webhookProcessingDuration: webhook, webhookRejections: rejections, fundraisingDashboardDuration: dash, bulkJobDuration: bulkDuration, bulkJobs, bulkJobItems, reminderDeliveries: reminders } = DOMAIN_METRICS;

/** Says in the panel where its data comes from (or will, while the metric is still planned). */
const source = (m: PlannedMetric | DomainMetric) =>
  'addedBy' in m ? `Metric \`${m.name}\` (${m.service}): ${m.addedBy.issue ? `issue ${m.addedBy.issue}, ` : ''}${m.addedBy.item}.` : `Metric \`${m.name}\` (${m.service}).`;

/** The seed's domain panels: webhook intake, dashboard queries, reminders, bulk jobs. */
export function domainDashboard(): Dashboard {
  const quantiles = (m: PlannedMetric | DomainMetric, by: string) =>
    [0.5, 0.95].map((q) => ({ expr: `histogram_quantile(${q}, sum by (${by}, le) (rate(${m.name}_bucket[${RATE}])))`, legend: `p${q * 100} {{${by}}}` }));
  return new Layout(dashboard('commonhold-domain', 'Commonhold / Domain', 'Business-path latency and outcomes: payment webhooks, fundraising dashboard, reminders, bulk jobs.'))
    .row('Payment provider webhooks (fundraising)')
    .add(timeseries('Webhook processing latency', `Receipt to staged gift, p50/p95 by provider. ${source(webhook)}`, 's', quantiles(webhook, 'provider')), 12)
    .add(
      timeseries('Webhooks by outcome', `Webhooks processed per second by provider and outcome (bad signatures are counted, nothing is staged). ${source(webhook)}`, 'ops', [
        { expr: `sum by (provider, outcome) (rate(${webhook.name}_count[${RATE}]))`, legend: '{{provider}} {{outcome}}' },
      ]),
      12,
    )
    .add(
      timeseries('Webhook rejections', `Webhooks refused before staging, by provider and reason (a rise: a rotated secret not updated, or forged calls). ${source(rejections)}`, 'ops', [
        { expr: `sum by (provider, reason) (rate(${rejections.name}[${RATE}]))`, legend: '{{provider}} {{reason}}' },
      ]),
      24,
    )
    .row('Fundraising dashboard')
    .add(
      timeseries('Dashboard query latency', `p50/p95 per dashboard query (target p95 < 100 ms on 50k gifts). ${source(dash)}`, 's', quantiles(dash, 'query')),
      24,
    )
    .row('Reminders (collections)')
    .add(
      timeseries('Reminder deliveries', `Deliveries per second by channel and outcome. ${source(reminders)}`, 'ops', [
        { expr: `sum by (channel, outcome) (rate(${reminders.name}[${RATE}]))`, legend: '{{channel}} {{outcome}}' },
      ]),
      12,
    )
    .add(
      timeseries('Reminder delivery failure ratio', `Deliveries that failed or bounced per delivery handed over or refused (sent + failed), by channel. ${source(reminders)}`, 'percentunit', [
        { expr: `sum by (channel) (rate(${reminders.name}{outcome=~"failed|bounced"}[${RATE}])) / sum by (channel) (rate(${reminders.name}{outcome=~"sent|failed"}[${RATE}]))`, legend: '{{channel}}' },
      ]),
      12,
    )
    .row('Bulk jobs (bulk-ops)')
    .add(timeseries('Bulk job duration', `p50/p95 job duration by action. ${source(bulkDuration)}`, 's', quantiles(bulkDuration, 'action')), 8)
    .add(
      timeseries('Bulk job outcomes', `Finished jobs by outcome, and the share that did not complete cleanly. ${source(bulkJobs)}`, 'short', [
        { expr: `sum by (outcome) (increase(${bulkJobs.name}[${RATE}]))`, legend: '{{outcome}}' },
        { expr: `sum(rate(${bulkJobs.name}{outcome!="completed"}[${RATE}])) / sum(rate(${bulkJobs.name}[${RATE}]))`, legend: 'failure ratio' },
      ]),
      8,
    )
    .add(
      timeseries('Bulk job item outcomes', `Item results by action and outcome. ${source(bulkJobItems)}`, 'short', [
        { expr: `sum by (action, outcome) (rate(${bulkJobItems.name}[${RATE}]))`, legend: '{{action}} {{outcome}}' },
      ]),
      8,
    )
    .build();
}
