import { defineModule } from '@commonhold/kit';
import { disbursementResolvers } from './disbursement.resolvers';

/** Disbursement schedules (OFM statuses, `remaining`); a paid one becomes a gift in fundraising (docs/grants.md). */
export const disbursementsModule = defineModule({
  name: 'disbursements',
  resolvers: disbursementResolvers,
  permissions: {
    Query: { grantDisbursement: 'grants:read' },
    Mutation: {
      scheduleGrantDisbursement: 'grants:write',
      submitGrantDisbursement: 'grants:write',
      cancelGrantDisbursement: 'grants:write',
      approveGrantDisbursement: 'disbursements:approve',
      payGrantDisbursement: 'disbursements:pay',
    },
  },
  auditChecks: [
    {
      name: 'grant_disbursement_paid',
      description: 'A paid disbursement without its grant-disbursement.paid audit event',
      sql: `SELECT d.id::text AS entity_id FROM grant_disbursements d WHERE d.status = 'PAID' AND NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = 'GrantDisbursement' AND a.entity_id = d.id::text AND a.action = 'grant-disbursement.paid' AND a.trace_id IS NOT NULL) ORDER BY d.created_at`,
    },
  ],
});
