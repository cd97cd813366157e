import { composeModules, DateScalar, DateTimeScalar, KitTables1763800000000, loadSubgraphSdl, SafeIntScalar, type ServiceDefinition } from '@commonhold/kit';
import { directoryModule } from './modules/directory/directory.module';
import { exportsModule } from './modules/exports/exports.module';
import { jobsModule } from './modules/jobs/jobs.module';
import { scorecardModule } from './modules/scorecard/scorecard.module';

/** The bulk-ops subgraph: its modules, composed; the kit does the rest. */
export const bulkOpsService: ServiceDefinition = {
  name: 'bulk-ops',
  typeDefs: loadSubgraphSdl('bulk-ops'),
  ...composeModules([directoryModule, jobsModule, exportsModule, scorecardModule], {
    resolvers: [{ DateTime: DateTimeScalar, Date: DateScalar, SafeInt: SafeIntScalar }],
    migrations: [KitTables1763800000000],
  }),
};
