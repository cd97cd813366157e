import type { EntityManager } from 'typeorm';
import { writeAudit } from '@commonhold/kit';
import type { OpportunityStage } from './opportunity';

export interface OpportunityRow {
  id: string;
  contact_id: string;
  name: string;
  type: string;
  stage: OpportunityStage;
  expected_minor: string;
  currency: string;
  probability: number;
  close_date: string;
  lost_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

/** An audit entry for an opportunity change. */
export async function auditOpportunity(m: EntityManager, who: { tenantId: string; actor: string }, action: string, id: string, before: unknown, after: unknown) {
  await writeAudit(m, { ...who, action, entityType: 'Opportunity', entityId: id, before, after });
}
