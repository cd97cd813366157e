import { composeModules, DateScalar, DateTimeScalar, KitTables1763800000000, loadSubgraphSdl, SafeIntScalar, type ServiceDefinition } from '@commonhold/kit';
import { CreateVendors1796531745289 } from './migrations/1796531745289-create-vendors';
import { directoryModule } from './modules/directory/directory.module';
import { tendersModule } from './modules/tenders/tenders.module';
import { vendorsModule } from './modules/vendors/vendors.module';
import { workOrdersModule } from './modules/work-orders/work-orders.module';
import { workOrderLinksModule } from './modules/work-order-links/work-order-links.module';
import { scorecardModule } from './modules/scorecard/scorecard.module';

/** The vendors subgraph: its modules, composed; the kit does the rest. */
export const vendorsService: ServiceDefinition = {
  name: 'vendors',
  typeDefs: loadSubgraphSdl('vendors'),
  ...composeModules([directoryModule, vendorsModule, workOrdersModule, workOrderLinksModule, tendersModule, scorecardModule], {
    resolvers: [{ DateTime: DateTimeScalar, Date: DateScalar, SafeInt: SafeIntScalar }],
    migrations: [KitTables1763800000000, CreateVendors1796531745289],
  }),
};
