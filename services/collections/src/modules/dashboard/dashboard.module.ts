import { defineModule } from '@commonhold/kit';
import { dashboardResolvers } from './dashboard.resolvers';

export const dashboardModule = defineModule({
  name: 'dashboard',
  scopedCallers: 'fenced',
  permissions: { Query: { collectionsOverview: 'collections:read', buildingCollectionsSummary: 'collections:read' } },
  resolvers: dashboardResolvers,
});
