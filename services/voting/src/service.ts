import { composeModules, DateTimeScalar, KitTables1763800000000, loadSubgraphSdl, SafeIntScalar, type ServiceDefinition } from '@commonhold/kit';
import { automationModule } from './modules/automation/automation.module';
import { directoryModule } from './modules/directory/directory.module';
import { votesModule } from './modules/votes/votes.module';
import { scorecardModule } from './modules/scorecard/scorecard.module';

/** The voting subgraph: its modules, composed; the kit does the rest. */
export const votingService: ServiceDefinition = {
  name: 'voting',
  typeDefs: loadSubgraphSdl('voting'),
  // votes before automation: the votes module starts the close worker, automation hooks into it.
  ...composeModules([directoryModule, votesModule, automationModule, scorecardModule], {
    resolvers: [{ DateTime: DateTimeScalar, SafeInt: SafeIntScalar }],
    migrations: [KitTables1763800000000],
  }),
};
