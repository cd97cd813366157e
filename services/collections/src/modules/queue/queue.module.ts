import { defineModule } from '@commonhold/kit';
import { queueResolvers } from './queue.resolvers';

export const queueModule = defineModule({
  name: 'queue',
  resolvers: queueResolvers,
});
