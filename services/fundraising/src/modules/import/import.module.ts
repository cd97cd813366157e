import { FundraisingImport1763800000500 } from '../../migrations/1763800000500-import';
import { defineModule } from '@commonhold/kit';
import { importResolvers } from './import.resolvers';
import { importRoutes } from './import.routes';

/** Historical import of contacts and gifts from CSV (docs/runbooks/imports.md). */
export const importModule = defineModule({
  name: 'import',
  resolvers: importResolvers,
  migrations: [FundraisingImport1763800000500],
  routes: importRoutes,
  auditChecks: [
    {
      name: 'import_completed',
      description: 'A completed CSV import (its gifts are audited as one bulk change) without its import.completed audit event',
      sql: `SELECT j.id AS entity_id FROM import_jobs j WHERE j.status = 'COMPLETED' AND NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = 'FundraisingImport' AND a.entity_id = j.id::text AND a.action = 'import.completed' AND a.trace_id IS NOT NULL) ORDER BY j.created_at`,
    },
  ],
});
