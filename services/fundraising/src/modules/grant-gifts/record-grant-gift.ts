import type { EntityManager } from 'typeorm';
import { AppError, writeAudit, type EventRegistry } from '@commonhold/kit';
import { recordGift } from '../gifts';
import { grantGiftInput, type DisbursementPaid } from './grant-gift';

const ACTOR = 'fundraising.grant-gifts';

/**
 * Turns a paid grant disbursement into exactly one gift from the funder, through THE gift path
 * (`recordGift`: validation, allocations, `gift.recorded` for the rollups, the gift's audit row),
 * allocated to the fund named by the grant and linked to its opportunity. Keyed by the disbursement:
 * a second event for it (redelivered, or republished under a new event id) adds nothing.
 * Throws (so the consumer retries, then dead-letters) when the fund, funder or opportunity is not
 * one fundraising knows: money is never recorded half-linked.
 */
export async function recordGrantGift(m: EntityManager, registry: EventRegistry, tenantId: string, p: DisbursementPaid): Promise<{ giftId: string; duplicate: boolean }> {
  // Serialises two deliveries of the same disbursement racing each other.
  await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`grant-gift:${tenantId}:${p.disbursementId}`]);
  const [known] = await m.query(`SELECT gift_id FROM grant_gifts WHERE disbursement_id = $1`, [p.disbursementId]);
  if (known) return { giftId: known.gift_id as string, duplicate: true };

  // A funder merged since the grant was recorded gives through the contact it was merged into.
  let contactId = p.funderContactId;
  for (let hops = 0; hops < 10; hops++) {
    const [c] = await m.query(`SELECT merged_into_id FROM contacts WHERE id = $1`, [contactId]);
    if (!c?.merged_into_id) break;
    contactId = c.merged_into_id as string;
  }
  let fundId: string | null = null;
  if (p.fundCode) {
    const [fund] = await m.query(`SELECT id FROM funds WHERE code = $1`, [p.fundCode.toUpperCase()]);
    if (!fund) throw new AppError('NOT_FOUND', `No fund with code ${p.fundCode}: create it, then re-drive the event from the DLQ`, { field: 'fundCode' });
    fundId = fund.id as string;
  }
  if (p.opportunityId) {
    const [opp] = await m.query(`SELECT type FROM opportunities WHERE id = $1`, [p.opportunityId]);
    if (opp && opp.type !== 'GRANT') throw new AppError('CONFLICT', `Opportunity ${p.opportunityId} is a ${opp.type} opportunity, not a GRANT`, { field: 'opportunityId' });
  }

  const { giftId } = await recordGift(m, registry, { tenantId, actor: ACTOR, input: grantGiftInput(p, contactId, fundId) });
  await m.query(`INSERT INTO grant_gifts (tenant_id, disbursement_id, request_id, gift_id) VALUES ($1, $2, $3, $4)`, [tenantId, p.disbursementId, p.requestId, giftId]);
  await writeAudit(m, {
    tenantId,
    actor: ACTOR,
    action: 'grant-gift.recorded',
    entityType: 'GrantDisbursement',
    entityId: p.disbursementId,
    after: { giftId, requestId: p.requestId, contactId, fundCode: p.fundCode, opportunityId: p.opportunityId, amount: { amountMinor: p.amountMinor, currency: p.currency }, paidOn: p.paidOn },
  });
  return { giftId, duplicate: false };
}
