import type { DataSource, EntityManager } from 'typeorm';
import { withTenant } from '@commonhold/kit';
import { computeKpis, KPI_WINDOW_DAYS, preferredByTrade, type VendorKpis } from './kpi';
import { kpiFacts, vendorsOfTrade } from './vendor.store';

/** The window opens at the start of the UTC day 365 days ago (stable through a day, so answers replay equal). */
export const windowStart = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - KPI_WINDOW_DAYS * 86_400_000);

/** KPI cards of the vendors over the rolling 12 months, from the facts the caller may see. */
export async function kpisOf(m: EntityManager, tenantId: string, vendorIds: readonly string[], now = new Date()): Promise<Map<string, VendorKpis>> {
  const facts = await kpiFacts(m, tenantId, vendorIds, windowStart(now));
  return new Map(vendorIds.map((id) => [id, computeKpis(facts.get(id) ?? [])]));
}

/**
 * The preferred vendor of each trade, decided over every vendor of the tenant (the platform acting
 * for the tenant, global scope): a scoped caller must not see a different winner because RLS hides
 * the competition. Only the winners' ids leave this function; callers show those they may see.
 */
export async function preferredNow(ds: DataSource, tenantId: string, now = new Date()): Promise<Map<string, { vendorId: string; score: number }>> {
  return withTenant(ds, tenantId, async (m) => {
    const vendors = await vendorsOfTrade(m, tenantId, null);
    const kpis = await kpisOf(m, tenantId, vendors.map((v) => v.id), now);
    const winners = preferredByTrade(vendors.map((v) => ({ id: v.id, trades: v.trades, kpis: kpis.get(v.id)! })));
    return new Map([...winners].map(([trade, id]) => [trade, { vendorId: id, score: kpis.get(id)!.score! }]));
  });
}
