import { AUTHENTICATED, defineModule } from '@commonhold/kit';
import { sessionResolvers } from './session.resolvers';
import { sessionRoutes } from './sessions.routes';

/** A member's own sessions serve any member (the rows are theirs alone); the tenant's security events are for global readers. */
export const sessionsModule = defineModule({
  name: 'sessions',
  resolvers: sessionResolvers,
  routes: sessionRoutes,
  scopedCallers: 'fenced',
  permissions: {
    Query: { mySessions: AUTHENTICATED, identitySecurityEvents: { rule: 'security-events:read', scopedCallers: 'refused' } },
    Mutation: { revokeSession: AUTHENTICATED, logoutEverywhere: AUTHENTICATED },
  },
});
