import { defineModule } from '@commonhold/kit';
import { exportRoutes } from './download.route';
import { exportResolvers } from './exports.resolvers';
import { CreateBulkExports1796600000100 } from './exports.migration';

/**
 * Exports (balances of a building from the directory, or a bulk job's charges) as CSV or XLSX,
 * formula-escaped, downloaded through a short-lived signed link served by `GET /bulk-exports/:id`
 * (a gateway passthrough route). Reading: `bulk-jobs:read` covers it.
 */
export const exportsModule = defineModule({
  name: 'exports',
  scopedCallers: 'fenced',
  permissions: {
    Query: { bulkExport: 'bulk-jobs:read' },
    Mutation: { exportBulkData: 'bulk-jobs:read' },
  },
  resolvers: exportResolvers,
  migrations: [CreateBulkExports1796600000100],
  routes: exportRoutes,
  auditChecks: [
    {
      name: 'bulk_export_created',
      description: 'An export without its bulk-export.created audit event',
      sql: `SELECT x.id::text AS entity_id FROM bulk_exports x WHERE NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = 'bulk-export' AND a.entity_id = x.id::text AND a.action = 'bulk-export.created' AND a.trace_id IS NOT NULL) ORDER BY x.created_at`,
    },
  ],
});
