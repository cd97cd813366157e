import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DOMAIN_METRICS, type DomainMetric } from '../domain-metrics';
import type { PlannedMetric } from '../planned-metrics';
import { Layout, RATE, dashboard, timeseries } from './common';

const { webhookProcessingDuration: webhook, webhookRejections: rejections, fundraisingDashboardDuration: dash, bulkJobDuration: bulkDuration, bulkJobs, bulkJobItems, reminderDeliveries: reminders, volunteerSignups, volunteerReminderDeliveries: shiftReminders, vendorSlaBreaches: slaBreaches, voteToTask, grantsDashboardDuration: grantsDash, grantReminderDeliveries: grantReminders , collectionRate, timeToCollect, reconciliationMismatch } = DOMAIN_METRICS;

/** Vote-to-task objective (NC-402): 99 % of automation executions within 5 minutes of the vote's close. */
export const VOTE_TO_TASK_SLO = { objective: 0.99, budgetSeconds: 300 } as const;

/** Says in the panel where its data comes from (or will, while the metric is still planned). */
const source = (m: PlannedMetric | DomainMetric) =>
  'addedBy' in m ? `Metric \`${m.name}\` (${m.service}): ${m.addedBy.issue ? `issue ${m.addedBy.issue}, ` : ''}${m.addedBy.item}.` : `Metric \`${m.name}\` (${m.service}).`;

/** The seed's domain panels: webhook intake, dashboard queries, reminders, bulk jobs, vote automation, vendor SLAs, grants. */
export function domainDashboard(): Dashboard {
  const quantiles = (m: PlannedMetric | DomainMetric, by: string) =>
    [0.5, 0.95].map((q) => ({ expr: `histogram_quantile(${q}, sum by (${by}, le) (rate(${m.name}_bucket[${RATE}])))`, legend: `p${q * 100} {{${by}}}` }));
  return new Layout(dashboard('commonhold-domain', 'Commonhold / Domain', 'Business-path latency and outcomes: payment webhooks, fundraising dashboard, reminders, collections KPIs, volunteers, bulk jobs, vote automation, vendor SLAs, grants.'))
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
    .row('Collections KPIs (collections)')
    .add(
      timeseries('Collection rate', `Collected ÷ charged over the last 90 days, by currency (all tenants). ${source(collectionRate)}`, 'percentunit', [
        { expr: `max by (currency) (${collectionRate.name})`, legend: '{{currency}}' },
      ]),
      8,
    )
    .add(
      timeseries('Time to collect', `Days from due date to the payment that closed the debit, p50/p95 by payment method. ${source(timeToCollect)}`, 'd', [
        ...[0.5, 0.95].map((q) => ({ expr: `histogram_quantile(${q}, sum by (method, le) (rate(${timeToCollect.name}_bucket[${RATE}])))`, legend: `p${q * 100} {{method}}` })),
      ]),
      8,
    )
    .add(
      timeseries('Reconciliation mismatch rate', `Items that do not reconcile (balances vs ledger, bank lines vs payments) ÷ items checked; the KPI is below 0.2 % (0.002). ${source(reconciliationMismatch)}`, 'percentunit', [
        { expr: `max(${reconciliationMismatch.name})`, legend: 'mismatch rate' },
      ]),
      8,
    )
    .row('Volunteers')
    .add(
      timeseries('Shift signups', `Signups per second by source and outcome, and the share that went to a waitlist (shifts full). ${source(volunteerSignups)}`, 'ops', [
        { expr: `sum by (source, outcome) (rate(${volunteerSignups.name}[${RATE}]))`, legend: '{{source}} {{outcome}}' },
        { expr: `sum(rate(${volunteerSignups.name}{outcome="waitlisted"}[${RATE}])) / sum(rate(${volunteerSignups.name}[${RATE}]))`, legend: 'waitlisted ratio' },
      ]),
      12,
    )
    .add(
      timeseries('Shift reminder deliveries', `Reminder emails per second by outcome. ${source(shiftReminders)}`, 'ops', [
        { expr: `sum by (channel, outcome) (rate(${shiftReminders.name}[${RATE}]))`, legend: '{{channel}} {{outcome}}' },
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
    .row('Vote automation (voting)')
    .add(timeseries('Vote to task latency', `p50/p95 seconds from a vote's close to the work its rule created, by action. ${source(voteToTask)}`, 's', quantiles(voteToTask, 'action')), 12)
    .add(
      timeseries(
        'Vote to task within 5 minutes',
        `Share of rule executions within ${VOTE_TO_TASK_SLO.budgetSeconds} s of the vote's close, by action (SLO: ${VOTE_TO_TASK_SLO.objective * 100} %; a 6 h window, executions are rare). ${source(voteToTask)}`,
        'percentunit',
        [
          {
            expr: `sum by (action) (increase(${voteToTask.name}_bucket{le="${VOTE_TO_TASK_SLO.budgetSeconds}"}[6h])) / sum by (action) (increase(${voteToTask.name}_count[6h]))`,
            legend: '{{action}}',
          },
        ],
      ),
      12,
    )
    .row('Vendor SLAs (vendors)')
    .add(
      timeseries('Vendor SLA breaches', `Breaches per hour by kind: response (an offer accepted after the SLA's response hours) and completion (work completed after its due date). ${source(slaBreaches)}`, 'short', [
        { expr: `sum by (kind) (increase(${slaBreaches.name}[1h]))`, legend: '{{kind}}' },
      ]),
      24,
    )
    .row('Grants')
    .add(timeseries('Grants dashboard query latency', `p50/p95 per grants dashboard query. ${source(grantsDash)}`, 's', quantiles(grantsDash, 'query')), 12)
    .add(
      timeseries('Grant deliverable reminders', `Reminder deliveries per second by channel and outcome (deferred ones are retried by pg-boss, then dead-lettered). ${source(grantReminders)}`, 'ops', [
        { expr: `sum by (channel, outcome) (rate(${grantReminders.name}[${RATE}]))`, legend: '{{channel}} {{outcome}}' },
      ]),
      12,
    )
    .build();
}
