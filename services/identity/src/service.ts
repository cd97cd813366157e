import { composeModules, DateTimeScalar, KitTables1763800000000, loadSubgraphSdl, type ServiceDefinition } from '@commonhold/kit';
import { CreateIdentity1796495281072 } from './migrations/1796495281072-create-identity';
import { notesModule } from './modules/notes/note.module';

/** The identity subgraph: its modules, composed; the kit does the rest. */
export const identityService: ServiceDefinition = {
  name: 'identity',
  typeDefs: loadSubgraphSdl('identity'),
  ...composeModules([notesModule], { resolvers: [{ DateTime: DateTimeScalar }], migrations: [KitTables1763800000000, CreateIdentity1796495281072] }),
};
