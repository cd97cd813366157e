import { defineModule } from '@commonhold/kit';
import { GiftEntity } from './gift.entity';
import { giftResolvers } from './resolvers';
import { givingRollupConsumer } from './rollup.consumer';

export const giftsModule = defineModule({
  name: 'gifts',
  resolvers: giftResolvers,
  entities: [GiftEntity],
  consumers: () => [givingRollupConsumer],
});

export { recomputeAllRollups } from './rollup-store';
