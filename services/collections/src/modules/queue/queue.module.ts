import { defineModule } from '@commonhold/kit';
import { queueResolvers } from './queue.resolvers';

export const queueModule = defineModule({
  name: 'queue',
  scopedCallers: 'fenced',
  permissions: { Query: { collectionsQueue: 'collections:read' } },
  resolvers: queueResolvers,
});
