import { composeModules, DateTimeScalar, KitTables1763800000000, loadSubgraphSdl, type ServiceDefinition } from '@commonhold/kit';
import { CreateBulkOps1796522582356 } from './migrations/1796522582356-create-bulk-ops';
import { notesModule } from './modules/notes/notes.module';

/** The bulk-ops subgraph: its modules, composed; the kit does the rest. */
export const bulkOpsService: ServiceDefinition = {
  name: 'bulk-ops',
  typeDefs: loadSubgraphSdl('bulk-ops'),
  ...composeModules([notesModule], { resolvers: [{ DateTime: DateTimeScalar }], migrations: [KitTables1763800000000, CreateBulkOps1796522582356] }),
};
