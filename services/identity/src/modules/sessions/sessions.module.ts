import { defineModule } from '@commonhold/kit';
import { sessionResolvers } from './session.resolvers';
import { sessionRoutes } from './sessions.routes';

export const sessionsModule = defineModule({ name: 'sessions', resolvers: sessionResolvers, routes: sessionRoutes });
