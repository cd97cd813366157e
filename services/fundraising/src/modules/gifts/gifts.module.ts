import { defineModule } from '@commonhold/kit';
import { GiftEntity } from './gift.entity';
import { giftResolvers } from './gifts.resolvers';
import { givingRollupConsumer } from './giving-rollup-gift-events.consumer';

export const giftsModule = defineModule({
  name: 'gifts',
  resolvers: giftResolvers,
  permissions: {
    Query: { gift: 'gifts:read', gifts: 'gifts:read', opportunity: 'opportunities:read', opportunities: 'opportunities:read' },
    Mutation: {
      recordGift: 'gifts:write',
      refundGift: 'gifts:refund',
      rebuildRollups: 'rollups:rebuild',
      createOpportunity: 'opportunities:write',
      updateOpportunity: 'opportunities:write',
    },
    entities: { Gift: 'gifts:read', Opportunity: 'opportunities:read' },
  },
  entities: [GiftEntity],
  consumers: () => [givingRollupConsumer],
});
