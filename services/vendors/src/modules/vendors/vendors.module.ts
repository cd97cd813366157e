import { AUTHENTICATED, defineModule } from '@commonhold/kit';
import { vendorResolvers } from './vendor.resolvers';

const audited = (action: string) =>
  `EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = 'vendor' AND a.entity_id = x.id::text AND a.action = '${action}' AND a.trace_id IS NOT NULL)`;

/**
 * Vendor profiles, credentials, SLA terms, KPI cards and preferred vendors. Every table carries
 * scopeRlsSql: a building manager sees the vendors serving its buildings, a vendor user itself.
 */
export const vendorsModule = defineModule({
  name: 'vendors',
  scopedCallers: 'fenced',
  permissions: {
    Query: { vendorPortalEnabled: AUTHENTICATED, vendor: 'vendors:read', vendors: 'vendors:read', vendorKpis: 'vendors:read', preferredVendors: 'vendors:read', vendorEligibility: 'vendors:read' },
    Mutation: { createVendor: 'vendors:write', updateVendor: 'vendors:write', recordVendorCredential: 'vendors:write' },
    entities: { Vendor: 'vendors:read' },
  },
  resolvers: vendorResolvers,
  auditChecks: [
    { name: 'vendor_created', description: 'A vendor without its vendor.created audit event', sql: `SELECT x.id::text AS entity_id FROM vendors x WHERE NOT ${audited('vendor.created')} ORDER BY x.created_at` },
  ],
});
