import { composeModules, KitTables1763800000000, loadSubgraphSdl, type ServiceDefinition } from '@commonhold/kit';
import { buildingsModule } from './modules/buildings';
import { dunningModule } from './modules/dunning';
import { ledgerModule } from './modules/ledger';
import { promisesModule } from './modules/promises';
import { coreResolvers } from './shared/core.resolvers';

/** The collections subgraph: its modules, composed; the kit does the rest. */
export const collectionsService: ServiceDefinition = {
  name: 'collections',
  typeDefs: loadSubgraphSdl('collections'),
  ...composeModules([buildingsModule, ledgerModule, promisesModule, dunningModule], { resolvers: [coreResolvers], migrations: [KitTables1763800000000] }),
};
