import type { FundraisingModule } from '../module';

export const dashboardModule: FundraisingModule = {
  name: 'dashboard',
  resolvers: {},
};
