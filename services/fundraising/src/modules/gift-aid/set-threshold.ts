import type { EntityManager } from 'typeorm';
import { badInput, idempotent, writeAudit } from '@commonhold/kit';
import { isIsoDate } from './dates';
import { AGGREGATED_ROW_MAX_MINOR } from './schedule';

export interface SetThresholdCommand {
  tenantId: string;
  actor: string;
  input: { effectiveFrom: unknown; amountMinor: unknown; idempotencyKey: string };
}

/** Sets the aggregation threshold from a date on (replacing one set for the same date). Claims keep the threshold they were made with. */
export async function setGiftAidAggregationThreshold(m: EntityManager, cmd: SetThresholdCommand): Promise<{ effectiveFrom: string; amountMinor: number }> {
  const { tenantId, actor, input } = cmd;
  return idempotent(m, tenantId, 'setGiftAidAggregationThreshold', input, async () => {
    if (!isIsoDate(input.effectiveFrom)) throw badInput('input.effectiveFrom', 'effectiveFrom must be a date YYYY-MM-DD');
    const amount = input.amountMinor;
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 0 || amount > AGGREGATED_ROW_MAX_MINOR) {
      throw badInput('input.amountMinor', `amountMinor must be a whole number of pence from 0 to ${AGGREGATED_ROW_MAX_MINOR}`);
    }
    const [before] = await m.query(`SELECT amount_minor FROM gift_aid_aggregation_thresholds WHERE tenant_id = $1 AND effective_from = $2`, [tenantId, input.effectiveFrom]);
    await m.query(
      `INSERT INTO gift_aid_aggregation_thresholds (tenant_id, effective_from, amount_minor) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, effective_from) DO UPDATE SET amount_minor = EXCLUDED.amount_minor, created_at = now()`,
      [tenantId, input.effectiveFrom, amount],
    );
    await writeAudit(m, {
      tenantId,
      actor,
      action: 'gift-aid-threshold.set',
      entityType: 'GiftAidAggregationThreshold',
      entityId: `${tenantId}:${input.effectiveFrom}`,
      before: before ? { amountMinor: Number(before.amount_minor) } : undefined,
      after: { effectiveFrom: input.effectiveFrom, amountMinor: amount },
    });
    return { effectiveFrom: input.effectiveFrom, amountMinor: amount };
  });
}
