import { defineModule } from '@commonhold/kit';
import { requestResolvers } from './request.resolvers';

const audited = (action: string) =>
  `EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = 'GrantRequest' AND a.entity_id = r.id::text AND a.action = '${action}' AND a.trace_id IS NOT NULL)`;

/** Grant applications (OFM funding requests): the pipeline, the award and closing (docs/grants.md). */
export const requestsModule = defineModule({
  name: 'requests',
  resolvers: requestResolvers,
  permissions: {
    Query: { grantRequest: 'grants:read', grantRequests: 'grants:read' },
    Mutation: {
      createGrantRequest: 'grants:write',
      setGrantRequestStatus: 'grants:write',
      awardGrantRequest: 'grants:award',
      closeGrantRequest: 'grants:write',
    },
    // Contact is fundraising's (declared here `resolvable: false`: the gateway never asks grants for one).
    entities: { GrantRequest: 'grants:read', Contact: 'grants:read' },
  },
  auditChecks: [
    {
      name: 'grant_request_awarded',
      description: 'An awarded grant without its grant-request.awarded audit event',
      sql: `SELECT r.id::text AS entity_id FROM grant_requests r WHERE r.awarded_minor IS NOT NULL AND NOT ${audited('grant-request.awarded')} ORDER BY r.created_at`,
    },
  ],
});
