import { composeModules, DateTimeScalar, KitTables1763800000000, loadSubgraphSdl, type ServiceDefinition } from '@commonhold/kit';
import { CreateCollections1796495271123 } from './migrations/1796495271123-create-collections';
import { notesModule } from './modules/notes/note.module';

/** The collections subgraph: its modules, composed; the kit does the rest. */
export const collectionsService: ServiceDefinition = {
  name: 'collections',
  typeDefs: loadSubgraphSdl('collections'),
  ...composeModules([notesModule], { resolvers: [{ DateTime: DateTimeScalar }], migrations: [KitTables1763800000000, CreateCollections1796495271123] }),
};
