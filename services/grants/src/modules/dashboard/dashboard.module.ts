import { defineModule } from '@commonhold/kit';
import { dashboardResolvers } from './dashboard.resolvers';
import { grantsDashboardHistogram } from './dashboard.metrics';

/** The grants dashboard (item 7): pipeline by status, award conversion, upcoming deliverables, awarded vs paid. */
export const dashboardModule = defineModule({
  name: 'dashboard',
  resolvers: dashboardResolvers,
  permissions: { Query: { grantsDashboard: 'grants:read' } },
  // Registered at start so /metrics shows the histogram before the first query.
  routes: (_app, rt) => {
    grantsDashboardHistogram(rt.metrics.registry);
  },
});
