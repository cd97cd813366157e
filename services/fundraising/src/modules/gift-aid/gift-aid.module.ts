import { GiftAid1763800000300 } from '../../migrations/1763800000300-gift-aid';
import { defineModule } from '@commonhold/kit';
import { giftAidResolvers } from './gift-aid.resolvers';

/** Gift Aid: declarations, per-gift eligibility, claims and HMRC schedules (docs/runbooks/gift-aid-claims.md). */
export const giftAidModule = defineModule({
  name: 'gift-aid',
  resolvers: giftAidResolvers,
  migrations: [GiftAid1763800000300],
  auditChecks: [
    {
      name: 'gift_aid_claim_created',
      description: 'A Gift Aid claim without its gift-aid-claim.created audit event',
      sql: `SELECT c.id AS entity_id FROM gift_aid_claims c WHERE NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = 'GiftAidClaim' AND a.entity_id = c.id::text AND a.action = 'gift-aid-claim.created' AND a.trace_id IS NOT NULL) ORDER BY c.created_at`,
    },
  ],
});
