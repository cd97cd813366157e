import { defineModule } from '@commonhold/kit';
import { dashboardResolvers } from './dashboard.resolvers';

export const dashboardModule = defineModule({
  name: 'dashboard',
  resolvers: dashboardResolvers,
});
