import { accessScope, type RequestContext } from '@commonhold/kit';

/** Whether the caller is a vendor user: a narrow scope naming a vendor. */
export const isVendorCaller = (ctx: RequestContext) => {
  const s = accessScope(ctx.principal.scope);
  return !s.global && s.vendors.length > 0;
};

/**
 * The vendor portal is a capability of its own (ENABLE_VENDOR_PORTAL): vendor users are answered
 * FEATURE_DISABLED when it is off for their tenant; staff keep working.
 */
export async function requirePortalFor(ctx: RequestContext): Promise<void> {
  if (isVendorCaller(ctx)) await ctx.feature.require('ENABLE_VENDOR_PORTAL');
}

/** Portal actions (accept, offer, upload, complete) need the flag for everyone. */
export const requirePortal = (ctx: RequestContext) => ctx.feature.require('ENABLE_VENDOR_PORTAL');
