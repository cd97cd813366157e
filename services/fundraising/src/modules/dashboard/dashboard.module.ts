import { DashboardAggregates1763800000600 } from '../../migrations/1763800000600-dashboard-aggregates';
import { defineModule } from '@commonhold/kit';
import { dashboardHistogram, dashboardResolvers } from './dashboard.resolvers';

/** Read-only fundraising dashboard queries (docs/fundraising/dashboard.md). */
export const dashboardModule = defineModule({
  name: 'dashboard',
  resolvers: dashboardResolvers,
  permissions: { Query: { fundraisingDashboard: 'dashboard:read' } },
  migrations: [DashboardAggregates1763800000600],
  // No routes of its own: registers its histogram on the service registry at start-up, so
  // /metrics lists it before the first dashboard query.
  routes: (_app, rt) => {
    dashboardHistogram(rt.metrics.registry);
  },
});
