import { defineModule } from '@commonhold/kit';
import { GiftEntity } from './gift.entity';
import { giftResolvers } from './gifts.resolvers';
import { givingRollupConsumer } from './giving-rollup-gift-events.consumer';

export const giftsModule = defineModule({
  name: 'gifts',
  resolvers: giftResolvers,
  entities: [GiftEntity],
  consumers: () => [givingRollupConsumer],
  auditChecks: [
    {
      name: 'gift_recorded',
      description: 'A gift (not from a CSV import, which the import_completed check covers) without its gift.recorded audit event',
      sql: `SELECT g.id AS entity_id FROM gifts g WHERE g.source <> 'IMPORT' AND NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = 'Gift' AND a.entity_id = g.id::text AND a.action = 'gift.recorded' AND a.trace_id IS NOT NULL) ORDER BY g.created_at`,
    },
    {
      name: 'gift_refunded',
      description: 'A refund without its gift.refunded audit event',
      sql: `SELECT r.id AS entity_id FROM gift_refunds r WHERE NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = 'Gift' AND a.entity_id = r.gift_id::text AND a.action = 'gift.refunded' AND a.trace_id IS NOT NULL AND a.after->>'refundId' = r.id::text) ORDER BY r.id`,
    },
  ],
});
