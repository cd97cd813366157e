import { GiftAid1763800000300 } from '../../migrations/1763800000300-gift-aid';
import { defineModule } from '@commonhold/kit';
import { giftAidResolvers } from './gift-aid.resolvers';

/** Gift Aid: declarations, per-gift eligibility, claims and HMRC schedules (docs/runbooks/gift-aid-claims.md). */
export const giftAidModule = defineModule({
  name: 'gift-aid',
  resolvers: giftAidResolvers,
  permissions: {
    Query: { giftAidDeclaration: 'gift-aid:read', giftAidClaim: 'gift-aid:read', giftAidClaims: 'gift-aid:read', giftAidAggregationThresholds: 'gift-aid:read' },
    Mutation: {
      recordGiftAidDeclaration: 'gift-aid:declare',
      cancelGiftAidDeclaration: 'gift-aid:declare',
      createGiftAidClaim: 'gift-aid:claim',
      setGiftAidAggregationThreshold: 'gift-aid:configure',
    },
  },
  migrations: [GiftAid1763800000300],
});
