import { defineModule } from '@commonhold/kit';
import { GrantGifts1796500070000 } from '../../migrations/1796500070000-grant-gifts';
import { grantDisbursementPaidConsumer } from './grant-disbursement-paid.consumer';

/** Grant money as gifts: consumes grants' paid disbursements (docs/grants.md). No GraphQL of its own. */
export const grantGiftsModule = defineModule({
  name: 'grant-gifts',
  migrations: [GrantGifts1796500070000],
  consumers: (rt) => [grantDisbursementPaidConsumer(rt)],
  auditChecks: [
    {
      name: 'grant_gift_recorded',
      description: 'A grant disbursement recorded as a gift without its grant-gift.recorded audit event',
      sql: `SELECT g.disbursement_id::text AS entity_id FROM grant_gifts g WHERE NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = 'GrantDisbursement' AND a.entity_id = g.disbursement_id::text AND a.action = 'grant-gift.recorded' AND a.trace_id IS NOT NULL) ORDER BY g.created_at`,
    },
  ],
});
