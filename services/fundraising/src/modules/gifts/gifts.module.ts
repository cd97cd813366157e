import { defineModule } from '@commonhold/kit';
import { GiftEntity } from './gift.entity';
import { giftResolvers } from './gifts.resolvers';
import { givingRollupConsumer } from './giving-rollup-gift-events.consumer';

export const giftsModule = defineModule({
  name: 'gifts',
  resolvers: giftResolvers,
  entities: [GiftEntity],
  consumers: () => [givingRollupConsumer],
});
