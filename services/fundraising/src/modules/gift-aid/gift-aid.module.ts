import { GiftAid1763800000300 } from '../../migrations/1763800000300-gift-aid';
import { defineModule } from '@commonhold/kit';
import { giftAidResolvers } from './gift-aid.resolvers';

/** Gift Aid: declarations, per-gift eligibility, claims and HMRC schedules (docs/runbooks/gift-aid-claims.md). */
export const giftAidModule = defineModule({
  name: 'gift-aid',
  resolvers: giftAidResolvers,
  migrations: [GiftAid1763800000300],
});
