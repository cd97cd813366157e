// What other modules may import from vendors (never its resolvers or wiring: service.ts imports vendors.module.ts).
export { eligibility, credentialStatusOf, notEligible, TRADE_PATTERN } from './vendor';
export { findVendor, findVendors, vendorFacts, credentialsOf, toCredential, type VendorRow } from './vendor.store';
export { kpisOf } from './vendor-kpis';
export { isVendorCaller, requirePortal, requirePortalFor } from './portal';
export { loadVendor, vendorOut, who, type VendorOut } from './vendor-read';
export type { Actor, Command } from './manage-vendors';
