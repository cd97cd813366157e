import { FundraisingImport1763800000500 } from '../../migrations/1763800000500-import';
import type { FundraisingModule } from '../module';
import { importResolvers } from './resolvers';
import { importRoutes } from './routes';

/** Historical import of contacts and gifts from CSV (docs/runbooks/imports.md). */
export const importModule: FundraisingModule = {
  name: 'import',
  resolvers: importResolvers,
  migrations: [FundraisingImport1763800000500],
  routes: importRoutes,
};
