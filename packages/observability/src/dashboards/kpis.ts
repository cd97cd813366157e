import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DOMAIN_METRICS } from '../domain-metrics';
import { Layout, RATE, dashboard, stat, timeseries, type Query } from './common';

const { collectionRate, reconciliationMismatch, voteToTask, bulkJobItems, vendorSlaBreaches } = DOMAIN_METRICS;

/**
 * Manual office time one bulk-job item replaces, in minutes: finding the apartment, keying one
 * charge or sending one reminder, and checking it (docs/kpis.md explains the figure). "Manager time
 * saved" = succeeded bulk items × this.
 */
export const MANUAL_MINUTES_PER_BULK_ITEM = 4;

/** The programme KPIs of the seed (NC-605, NC-703): one query each, the scorecard's panels draw exactly these. */
export const PROGRAMME_KPIS = {
  collectionRate: {
    title: 'Collection rate',
    unit: 'percentunit',
    target: 'higher is better; the KPI pass books the last 90 days',
    query: { expr: `min by (currency) (${collectionRate.name})`, legend: '{{currency}}' },
  },
  managerHoursSaved: {
    title: 'Manager time saved by bulk jobs',
    unit: 'h',
    target: `succeeded bulk items × ${MANUAL_MINUTES_PER_BULK_ITEM} min`,
    query: { expr: `sum(increase(${bulkJobItems.name}{outcome="succeeded"}[30d])) * ${MANUAL_MINUTES_PER_BULK_ITEM} / 60`, legend: 'hours saved (30 days)' },
  },
  reconciliationMismatches: {
    title: 'Reconciliation mismatches',
    unit: 'percentunit',
    target: '< 0.2 %',
    query: { expr: `max(${reconciliationMismatch.name})`, legend: 'mismatch ratio' },
  },
  voteToTask: {
    title: 'Vote to task (p99)',
    unit: 's',
    target: '< 5 min for 99 % of votes',
    query: { expr: `histogram_quantile(0.99, sum by (le) (rate(${voteToTask.name}_bucket[1h])))`, legend: 'p99' },
  },
  vendorSlaBreaches: {
    title: 'Vendor SLA breaches (30 days)',
    unit: 'short',
    target: 'fewer is better',
    query: { expr: `sum by (kind) (increase(${vendorSlaBreaches.name}[30d]))`, legend: '{{kind}}' },
  },
} as const satisfies Record<string, { title: string; unit: string; target: string; query: Query }>;

const k = PROGRAMME_KPIS;

/** One dashboard with the seed's five programme KPIs (stat cards on top, their trend below). */
export function kpiDashboard(): Dashboard {
  return new Layout(dashboard('commonhold-kpis', 'Commonhold / Programme KPIs', 'The five programme KPIs: collection rate, manager time saved by bulk jobs, reconciliation mismatches, vote-to-task, vendor SLA breaches.'))
    .row('Scorecard')
    .add(stat(k.collectionRate.title, `Collected ÷ charged, by currency. Metric \`${collectionRate.name}\` (collections).`, k.collectionRate.unit, k.collectionRate.query, [{ value: null as unknown as number, color: 'red' }, { value: 0.8, color: 'orange' }, { value: 0.95, color: 'green' }]), 5, 5)
    .add(stat(k.managerHoursSaved.title, `Succeeded bulk items over 30 days × ${MANUAL_MINUTES_PER_BULK_ITEM} minutes of manual work each. Metric \`${bulkJobItems.name}\` (bulk-ops).`, k.managerHoursSaved.unit, k.managerHoursSaved.query, [{ value: null as unknown as number, color: 'blue' }]), 5, 5)
    .add(stat(k.reconciliationMismatches.title, `Items that do not reconcile ÷ items checked; target < 0.2 %. Metric \`${reconciliationMismatch.name}\` (collections).`, k.reconciliationMismatches.unit, k.reconciliationMismatches.query, [{ value: null as unknown as number, color: 'green' }, { value: 0.002, color: 'red' }]), 5, 5)
    .add(stat(k.voteToTask.title, `99th percentile from a vote's close to the work its rule created; target < 300 s. Metric \`${voteToTask.name}\` (voting).`, k.voteToTask.unit, k.voteToTask.query, [{ value: null as unknown as number, color: 'green' }, { value: 300, color: 'red' }]), 5, 5)
    .add(stat(k.vendorSlaBreaches.title, `Response and completion breaches over 30 days. Metric \`${vendorSlaBreaches.name}\` (vendors).`, k.vendorSlaBreaches.unit, { expr: `sum(increase(${vendorSlaBreaches.name}[30d]))`, legend: 'breaches' }, [{ value: null as unknown as number, color: 'green' }, { value: 1, color: 'orange' }]), 4, 5)
    .row('Trends')
    .add(timeseries('Collection rate', 'By currency.', 'percentunit', [k.collectionRate.query]), 8)
    .add(timeseries('Reconciliation mismatch ratio', 'Target < 0.2 %.', 'percentunit', [k.reconciliationMismatches.query]), 8)
    .add(timeseries('Vote to task', 'p50/p99 by action.', 's', [0.5, 0.99].map((q) => ({ expr: `histogram_quantile(${q}, sum by (action, le) (rate(${voteToTask.name}_bucket[${RATE}])))`, legend: `p${q * 100} {{action}}` }))), 8)
    .add(timeseries('Bulk items succeeded', 'Per second, by action.', 'ops', [{ expr: `sum by (action) (rate(${bulkJobItems.name}{outcome="succeeded"}[${RATE}]))`, legend: '{{action}}' }]), 12)
    .add(timeseries('Vendor SLA breaches', 'Per second, by kind.', 'ops', [{ expr: `sum by (kind) (rate(${vendorSlaBreaches.name}[${RATE}]))`, legend: '{{kind}}' }]), 12)
    .build();
}
