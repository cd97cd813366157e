import { accessScope, isUuid, type RequestContext } from '@commonhold/kit';
import DataLoader from 'dataloader';
import { findVendors, type VendorRow } from './vendor.store';

/** The acting caller: tenant first, actor, parsed scope. */
export const who = (ctx: RequestContext) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, scope: accessScope(ctx.principal.scope) });

export const vendorOut = (v: VendorRow) => ({
  id: v.id,
  name: v.name,
  email: v.email,
  trades: v.trades,
  buildingIds: v.building_ids,
  active: v.active,
  sla: { responseHours: v.response_hours, completionDays: v.completion_days },
  createdAt: v.created_at,
});
export type VendorOut = ReturnType<typeof vendorOut>;

/** The vendor, read in the caller's transaction (RLS: a vendor user reads only itself). */
export async function loadVendor(ctx: RequestContext, id: string): Promise<VendorOut | null> {
  const loader = ctx.loader('vendors', () => new DataLoader<string, VendorRow | null>(async (ids) => {
    const rows = await ctx.tx((m) => findVendors(m, ctx.principal.tenantId, ids));
    return ids.map((i) => rows.find((r) => r.id === i) ?? null);
  }));
  const v = isUuid(id) ? await loader.load(id.toLowerCase()) : null;
  return v ? vendorOut(v) : null;
}

