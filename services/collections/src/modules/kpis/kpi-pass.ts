import { Gauge, Histogram } from 'prom-client';
import { withTenant, type ServiceRuntime } from '@commonhold/kit';
import type { CollectionsConfig } from '../../config';
import { addDays, todayUtc } from '../ledger';
import { COLLECTION_RATE_WINDOW_DAYS, collectionRates, mismatchRatio, TIME_TO_COLLECT_BUCKETS_DAYS, type Movements, type Reconciliation } from './kpis';
import { movements, reconciliation, takeCollected } from './kpis.store';

/**
 * The KPI pass: for every tenant collections has seen (`kit_tenants`, as the audit checker), the
 * collection rate's movements over the trailing window, the reconciliation of ledger, balances and
 * payments, and the debits payments closed since the last pass; exported platform-wide:
 *   - `collections_collection_rate{currency}` (gauge): collected ÷ charged, booked in the last 90 days;
 *   - `collections_time_to_collect_days{method}` (histogram): due date → the payment that closed the debit;
 *   - `collections_reconciliation_mismatch_ratio` (gauge): mismatched ÷ checked (the seed's KPI < 0.2 %).
 * Runs every `COLLECTIONS_KPI_INTERVAL_MS` (0: never; `run()` by hand).
 */
export interface KpiPass {
  run(): Promise<{ tenants: number; rates: Record<string, number>; mismatchRatio: number; collected: number }>;
  stop(): void;
}

const passes = new WeakMap<ServiceRuntime, KpiPass>();

/** The service's KPI pass (started with the service). */
export function kpiPassOf(rt: ServiceRuntime): KpiPass {
  const p = passes.get(rt);
  if (!p) throw new Error('The KPI pass is not running');
  return p;
}

export function startKpiPass(rt: ServiceRuntime): KpiPass {
  const registry = rt.metrics.registry;
  const rate = new Gauge({
    name: 'collections_collection_rate',
    help: `Collected ÷ charged (ratio), ledger entries booked in the last ${COLLECTION_RATE_WINDOW_DAYS} days, net of reversals, over all tenants, by currency`,
    labelNames: ['currency'] as const,
    registers: [registry],
  });
  const timeToCollect = new Histogram({
    name: 'collections_time_to_collect_days',
    help: 'Days from a debit’s due date to the payment that closed it, by payment method (manual, bank_file, provider)',
    labelNames: ['method'] as const,
    buckets: [...TIME_TO_COLLECT_BUCKETS_DAYS],
    registers: [registry],
  });
  const mismatch = new Gauge({
    name: 'collections_reconciliation_mismatch_ratio',
    help: 'Reconciliation items (apartment balances vs ledger, posted bank lines vs payments, bank-file payments vs lines) that do not reconcile ÷ items checked',
    registers: [registry],
  });
  mismatch.set(0);
  let running: ReturnType<KpiPass['run']> | undefined;

  async function pass() {
    const tenants: { tenant_id: string }[] = await rt.ds.query(`SELECT tenant_id FROM kit_tenants ORDER BY tenant_id`);
    const to = todayUtc();
    const from = addDays(to, -(COLLECTION_RATE_WINDOW_DAYS - 1));
    const moved: Movements[] = [];
    const reconciled: Reconciliation[] = [];
    let collected = 0;
    for (const { tenant_id: tenantId } of tenants) {
      await withTenant(rt.ds, tenantId, async (m) => {
        moved.push(...(await movements(m, tenantId, from, to)));
        reconciled.push(await reconciliation(m, tenantId));
        for (const c of await takeCollected(m, tenantId)) {
          timeToCollect.observe({ method: c.method }, c.days);
          collected++;
        }
      });
    }
    const rates = collectionRates(moved);
    rate.reset();
    for (const [currency, r] of rates) rate.set({ currency }, r);
    const ratio = mismatchRatio(reconciled);
    mismatch.set(ratio);
    return { tenants: tenants.length, rates: Object.fromEntries(rates), mismatchRatio: ratio, collected };
  }

  const interval = (rt.config as unknown as CollectionsConfig).COLLECTIONS_KPI_INTERVAL_MS;
  const kpis: KpiPass = {
    run: () => (running ??= pass().finally(() => (running = undefined))),
    stop: () => clearInterval(timer),
  };
  const timer = interval > 0 ? setInterval(() => kpis.run().catch((err) => rt.log.warn({ err }, 'collections KPI pass failed')), interval) : undefined;
  timer?.unref();
  passes.set(rt, kpis);
  return kpis;
}
