import { composeModules, DateScalar, DateTimeScalar, KitTables1763800000000, loadSubgraphSdl, SafeIntScalar, type ServiceDefinition } from '@commonhold/kit';
import { CreateGrants1796500070100 } from './migrations/1796500070100-grants';
import { dashboardModule } from './modules/dashboard/dashboard.module';
import { disbursementsModule } from './modules/disbursements/disbursements.module';
import { requestsModule } from './modules/requests/requests.module';
import { requirementsModule } from './modules/requirements/requirements.module';

/** The grants subgraph: applications, requirements, disbursements and the dashboard, composed (docs/grants.md). */
export const grantsService: ServiceDefinition = {
  name: 'grants',
  typeDefs: loadSubgraphSdl('grants'),
  ...composeModules([requestsModule, requirementsModule, disbursementsModule, dashboardModule], {
    resolvers: [{ DateTime: DateTimeScalar, Date: DateScalar, SafeInt: SafeIntScalar }],
    migrations: [KitTables1763800000000, CreateGrants1796500070100],
  }),
};
