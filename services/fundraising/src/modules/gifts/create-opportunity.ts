import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { badInput, idempotent, isUuid, notFound, oneOf, parseMoney, requiredText } from '@commonhold/kit';
import { checkProbability, OPPORTUNITY_STAGES, OPPORTUNITY_TYPES } from './opportunity';
import { auditOpportunity } from './opportunity.store';

/** Opens an opportunity (a prospective major gift) for a live contact; returns its id. */
export function createOpportunity(m: EntityManager, cmd: { tenantId: string; actor: string; input: Record<string, unknown> & { idempotencyKey: string } }): Promise<string> {
  const { tenantId, actor, input } = cmd;
  return idempotent(m, tenantId, 'createOpportunity', input, async () => {
    const name = requiredText('input.name', input.name, 200);
    const type = oneOf('input.type', OPPORTUNITY_TYPES, input.type);
    const stage = oneOf('input.stage', OPPORTUNITY_STAGES, input.stage, 'PROSPECTING');
    const expected = parseMoney('input.expectedAmount', input.expectedAmount);
    const probability = checkProbability('input.probability', input.probability, stage);
    if (stage === 'LOST') throw badInput('input.stage', 'A new opportunity cannot start LOST');
    if (!isUuid(input.contactId) || !(await m.query(`SELECT 1 FROM contacts WHERE id = $1 AND erased_at IS NULL AND merged_into_id IS NULL`, [input.contactId])).length) {
      throw notFound('input.contactId', `No contact ${String(input.contactId)}`);
    }
    const id = randomUUID();
    await m.query(
      `INSERT INTO opportunities (id, tenant_id, contact_id, name, type, stage, expected_minor, currency, probability, close_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [id, tenantId, input.contactId, name, type, stage, expected.amountMinor, expected.currency, probability, input.closeDate],
    );
    await auditOpportunity(m, { tenantId, actor }, 'opportunity.created', id, undefined, { name, type, stage, expected, probability, closeDate: input.closeDate });
    return id;
  });
}
