import { defineModule } from '@commonhold/kit';
import { publicLinkResolvers } from './public-link.resolvers';
import { publicLinkRoutes } from './public-links.routes';

export const publicLinksModule = defineModule({ name: 'public-links', resolvers: publicLinkResolvers, routes: publicLinkRoutes });
