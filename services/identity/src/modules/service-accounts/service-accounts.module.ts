import { defineModule } from '@commonhold/kit';
import { serviceAccountResolvers } from './service-account.resolvers';
import { serviceAccountRoutes } from './service-accounts.routes';

export const serviceAccountsModule = defineModule({ name: 'service-accounts', resolvers: serviceAccountResolvers, routes: serviceAccountRoutes });
