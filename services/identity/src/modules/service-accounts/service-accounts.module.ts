import { defineModule } from '@commonhold/kit';
import { serviceAccountResolvers } from './service-account.resolvers';
import { serviceAccountRoutes } from './service-accounts.routes';

/**
 * Integrators' service accounts and API keys, managed by admins. The tenant-wide list serves global
 * scope only; an admin with a narrow scope creates accounts within it and keys only for those.
 */
export const serviceAccountsModule = defineModule({
  name: 'service-accounts',
  resolvers: serviceAccountResolvers,
  routes: serviceAccountRoutes,
  permissions: {
    Query: { serviceAccounts: 'service-accounts:read' },
    Mutation: {
      createServiceAccount: { rule: 'service-accounts:write', scopedCallers: 'fenced' },
      createApiKey: { rule: 'service-accounts:write', scopedCallers: 'fenced' },
      revokeApiKey: { rule: 'service-accounts:write', scopedCallers: 'fenced' },
    },
  },
});
