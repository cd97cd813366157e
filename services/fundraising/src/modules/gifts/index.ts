import type { FundraisingModule } from '../module';
import { GiftEntity } from './gift.entity';
import { giftResolvers } from './resolvers';
import { givingRollupConsumer } from './rollup.consumer';

export const giftsModule: FundraisingModule = {
  name: 'gifts',
  resolvers: giftResolvers,
  entities: [GiftEntity],
  consumers: () => [givingRollupConsumer],
};
