import { composeModules, KitTables1763800000000, loadSubgraphSdl, type ServiceDefinition } from '@commonhold/kit';
import { buildingsModule } from './modules/buildings/building.module';
import { bulkCommandsModule } from './modules/bulk-commands/bulk-commands.module';
import { dashboardModule } from './modules/dashboard/dashboard.module';
import { dunningModule } from './modules/dunning/dunning.module';
import { kpisModule } from './modules/kpis/kpis.module';
import { ledgerModule } from './modules/ledger/ledger.module';
import { promisesModule } from './modules/promises/promise.module';
import { queueModule } from './modules/queue/queue.module';
import { runsModule } from './modules/runs/run.module';
import { scorecardModule } from './modules/scorecard/scorecard.module';
import { coreResolvers } from './shared/core.resolvers';

/** The collections subgraph: its modules, composed; the kit does the rest. */
export const collectionsService: ServiceDefinition = {
  name: 'collections',
  typeDefs: loadSubgraphSdl('collections'),
  ...composeModules([buildingsModule, ledgerModule, promisesModule, dunningModule, runsModule, queueModule, dashboardModule, bulkCommandsModule, kpisModule, scorecardModule], {
    resolvers: [coreResolvers],
    migrations: [KitTables1763800000000],
    // The audit trail spans buildings: global scope only.
    permissions: { Query: { collectionsAuditEvents: 'audit:read' } },
  }),
};
