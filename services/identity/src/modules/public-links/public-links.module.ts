import { defineModule } from '@commonhold/kit';
import { publicLinkResolvers } from './public-link.resolvers';
import { publicLinkRoutes } from './public-links.routes';

/** Staff hand out links (auditors read only; vendors and owners receive links); a link's scope stays within its maker's. */
export const publicLinksModule = defineModule({
  name: 'public-links',
  resolvers: publicLinkResolvers,
  routes: publicLinkRoutes,
  scopedCallers: 'fenced',
  permissions: { Mutation: { createPublicLink: 'public-links:write', revokePublicLink: 'public-links:write' } },
});
