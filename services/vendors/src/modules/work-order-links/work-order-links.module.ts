import { defineModule } from '@commonhold/kit';
import { workOrderLinkResolvers } from './work-order-link.resolvers';
import { workOrderLinkRoutes } from './work-order-link.routes';
import { CreateWorkOrderLinks1796900000000 } from './work-order-links.migration';

/**
 * Signed work-order links (issue 14 item 6): office staff mint a single-purpose link through
 * identity (purpose work_order_access, one tenant, one work order); its holder answers, works and
 * proves that one work order through `/work-order-links/*` without an account.
 */
export const workOrderLinksModule = defineModule({
  name: 'work-order-links',
  scopedCallers: 'fenced',
  permissions: {
    Mutation: { issueWorkOrderLink: 'work-order-links:write', revokeWorkOrderLink: 'work-order-links:write' },
  },
  resolvers: workOrderLinkResolvers,
  migrations: [CreateWorkOrderLinks1796900000000],
  routes: (app, rt) => void workOrderLinkRoutes(app, rt),
});
