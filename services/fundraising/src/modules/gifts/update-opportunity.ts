import type { EntityManager } from 'typeorm';
import { badInput, idempotent, isUuid, notFound, oneOf, parseMoney, requiredText } from '@commonhold/kit';
import { checkProbability, checkStageChange, OPPORTUNITY_STAGES } from './opportunity';
import { auditOpportunity, type OpportunityRow } from './opportunity.store';

/** Moves an opportunity through its stages or changes its terms (a currency change only while no gift is linked); returns its id. */
export function updateOpportunity(m: EntityManager, cmd: { tenantId: string; actor: string; input: Record<string, unknown> & { idempotencyKey: string } }): Promise<string> {
  const { tenantId, actor, input } = cmd;
  return idempotent(m, tenantId, 'updateOpportunity', input, async () => {
    if (!isUuid(input.opportunityId)) throw notFound('input.opportunityId', `No opportunity ${String(input.opportunityId)}`);
    const [o]: OpportunityRow[] = await m.query(`SELECT * FROM opportunities WHERE id = $1 FOR UPDATE`, [input.opportunityId]);
    if (!o) throw notFound('input.opportunityId', `No opportunity ${String(input.opportunityId)}`);
    const stage = input.stage == null ? o.stage : oneOf('input.stage', OPPORTUNITY_STAGES, input.stage);
    checkStageChange(o.stage, stage, input.lostReason as string | null);
    const probability = input.probability != null ? checkProbability('input.probability', input.probability, stage) : stage !== o.stage ? checkProbability('input.probability', null, stage) : o.probability;
    const expected = input.expectedAmount == null ? { amountMinor: Number(o.expected_minor), currency: o.currency } : parseMoney('input.expectedAmount', input.expectedAmount);
    if (expected.currency !== o.currency) {
      const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM gifts WHERE opportunity_id = $1`, [o.id]);
      if (n > 0) throw badInput('input.expectedAmount.currency', `Gifts in ${o.currency} are linked; the currency cannot change`);
    }
    const next = {
      name: input.name == null ? o.name : requiredText('input.name', input.name, 200),
      stage,
      probability,
      expected,
      closeDate: (input.closeDate as string | null) ?? o.close_date,
      lostReason: stage === 'LOST' ? String(input.lostReason ?? o.lost_reason).trim() : null,
    };
    await m.query(
      `UPDATE opportunities SET name = $2, stage = $3, probability = $4, expected_minor = $5, currency = $6, close_date = $7, lost_reason = $8, updated_at = now() WHERE id = $1`,
      [o.id, next.name, next.stage, next.probability, next.expected.amountMinor, next.expected.currency, next.closeDate, next.lostReason],
    );
    await auditOpportunity(m, { tenantId, actor }, 'opportunity.updated', o.id, { name: o.name, stage: o.stage, probability: o.probability, expectedMinor: Number(o.expected_minor), closeDate: o.close_date }, next);
    return o.id;
  });
}
