import { defineModule } from '@commonhold/kit';
import { tenderResolvers } from './tender.resolvers';

const audited = (action: string) =>
  `EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = 'tender' AND a.entity_id = x.id::text AND a.action = ${action} AND a.trace_id IS NOT NULL)`;

/**
 * Tenders with OCDS statuses: invite eligible vendors, collect offers, compare, award (the work
 * order is offered to the winner). A vendor user sees the tenders it was invited to and its own offers.
 */
export const tendersModule = defineModule({
  name: 'tenders',
  scopedCallers: 'fenced',
  permissions: {
    Query: { tender: 'tenders:read', tenders: 'tenders:read', compareOffers: 'tender-offers:read' },
    Mutation: {
      createTender: 'tenders:write',
      inviteTenderVendors: 'tenders:write',
      publishTender: 'tenders:write',
      endTender: 'tenders:write',
      awardTender: 'tenders:award',
      submitTenderOffer: 'tender-offers:write',
    },
    entities: { Tender: 'tenders:read' },
  },
  resolvers: tenderResolvers,
  auditChecks: [
    {
      name: 'tender_status',
      description: 'A tender (an award commits money) without the audit event of its current status',
      sql: `SELECT x.id::text AS entity_id FROM tenders x WHERE NOT ${audited(`'tender.' || x.status`)} ORDER BY x.created_at`,
    },
  ],
});
