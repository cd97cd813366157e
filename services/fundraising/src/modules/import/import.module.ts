import { FundraisingImport1763800000500 } from '../../migrations/1763800000500-import';
import { defineModule } from '@commonhold/kit';
import { importResolvers } from './import.resolvers';
import { importRoutes } from './import.routes';

/** Historical import of contacts and gifts from CSV (docs/runbooks/imports.md). */
export const importModule = defineModule({
  name: 'import',
  resolvers: importResolvers,
  permissions: {
    Query: { fundraisingImportJob: 'imports:read', fundraisingImportJobs: 'imports:read' },
    Mutation: { startFundraisingImport: 'imports:write', runFundraisingImport: 'imports:write' },
    routes: { 'POST /imports': 'imports:write' },
  },
  migrations: [FundraisingImport1763800000500],
  routes: importRoutes,
});
