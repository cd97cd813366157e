import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, badInput, idempotent, newEvent, publishEvents, writeAudit, type EventRegistry } from '@commonhold/kit';
import { loadSettings } from '../../shared/settings.store';
import { isIsoDate, utcDate, type IsoDate } from './dates';
import { adjustmentMinor, coveringDeclaration, giftAidEligibility, netMinor, taxOnAdjustmentMinor, taxOnDonationsMinor } from './eligibility';
import { loadAdjustmentCandidates, loadClaimCandidates, loadDeclarationsByContact, thresholdOn, type DeclarationRow } from './gift-aid.store';
import { buildScheduleRows, type ScheduleDonation, type ScheduleDonor } from './schedule';

export const CLAIM_CREATED = 'commonhold.fundraising.gift-aid-claim.created.v1';

export interface CreateClaimCommand {
  tenantId: string;
  actor: string;
  input: { upTo: unknown; idempotencyKey: string };
  now?: Date;
}

interface Item {
  giftId: string;
  kind: 'CLAIM' | 'ADJUSTMENT';
  amountMinor: number;
  donationDate: IsoDate;
  declarationId: string | null;
  adjustsClaimId: string | null;
  adjustmentReason: 'REFUNDED' | 'DECLARATION_CANCELLED' | null;
  donor: ScheduleDonor | null;
}

/**
 * Prepares a claim: every eligible, unclaimed gift received on or before `upTo`, exactly once,
 * plus an ADJUSTMENT for each claimed gift whose claimable amount fell since (refund, or oral
 * declaration cancelled within 30 days). Set-based: two reads, pure decisions, one bulk insert.
 * A per-tenant advisory lock serialises claims; the unique index on CLAIM items backs it up.
 */
export async function createGiftAidClaim(m: EntityManager, registry: EventRegistry, cmd: CreateClaimCommand): Promise<{ claimId: string }> {
  const { tenantId, actor, input } = cmd;
  return idempotent(m, tenantId, 'createGiftAidClaim', input, async () => {
    const now = cmd.now ?? new Date();
    const today = utcDate(now);
    if (!isIsoDate(input.upTo)) throw badInput('input.upTo', 'upTo must be a date YYYY-MM-DD');
    const upTo = input.upTo;
    if (upTo > today) throw badInput('input.upTo', 'upTo must not be in the future');

    await m.query(`SELECT pg_advisory_xact_lock(hashtext('gift-aid-claim'), hashtext($1))`, [tenantId]);
    const settings = await loadSettings(m);
    const threshold = await thresholdOn(m, tenantId, today);
    const candidates = await loadClaimCandidates(m, tenantId, upTo);
    const adjustable = await loadAdjustmentCandidates(m, tenantId);
    const declarations = await loadDeclarationsByContact(m, tenantId, [...new Set([...candidates.map((g) => g.contactId), ...adjustable.map((g) => g.contactId)])]);
    const ctx = { today, fiscalYearStartMonth: settings.fiscalYearStartMonth };

    const items: Item[] = [];
    for (const g of candidates) {
      const own = declarations.get(g.contactId) ?? [];
      const e = giftAidEligibility(g, own, ctx);
      if (!e.eligible) continue;
      const declaration = own.find((d) => d.id === e.declarationId) as DeclarationRow;
      items.push({
        giftId: g.id,
        kind: 'CLAIM',
        amountMinor: netMinor(g),
        donationDate: g.receivedOn,
        declarationId: declaration.id,
        adjustsClaimId: null,
        adjustmentReason: null,
        // An erased donor's details survive only in the declaration (kept for HMRC).
        donor: g.contactErased ? declaration.donor : g.contact,
      });
    }
    const giftCount = items.length;
    if (!giftCount) throw new AppError('CONFLICT', `There are no eligible unclaimed gifts received on or before ${upTo}`, { field: 'input.upTo' });

    for (const c of adjustable) {
      const covered = coveringDeclaration(declarations.get(c.contactId) ?? [], { id: c.giftId, receivedOn: c.receivedOn }) !== null;
      const amount = adjustmentMinor({ claimedMinor: c.claimedMinor, adjustedMinor: c.adjustedMinor, netMinor: c.netMinor, covered });
      if (amount >= 0) continue;
      items.push({
        giftId: c.giftId,
        kind: 'ADJUSTMENT',
        amountMinor: amount,
        donationDate: c.receivedOn,
        declarationId: null,
        adjustsClaimId: c.claimId,
        adjustmentReason: covered ? 'REFUNDED' : 'DECLARATION_CANCELLED',
        donor: null,
      });
    }

    const donations: ScheduleDonation[] = items.filter((i) => i.kind === 'CLAIM').map((i) => ({ giftId: i.giftId, donationDate: i.donationDate, amountMinor: i.amountMinor, donor: i.donor! }));
    const rowCount = buildScheduleRows(donations, threshold).length;
    const scheduleTotal = donations.reduce((s, d) => s + d.amountMinor, 0);
    const adjustmentTotal = items.filter((i) => i.kind === 'ADJUSTMENT').reduce((s, i) => s + i.amountMinor, 0);
    const adjustmentTax = taxOnAdjustmentMinor(adjustmentTotal);
    const totals = {
      rowCount,
      giftCount,
      scheduleTotalMinor: scheduleTotal,
      adjustmentTotalMinor: adjustmentTotal,
      totalDonationsMinor: scheduleTotal + adjustmentTotal,
      adjustmentTaxMinor: adjustmentTax,
      taxRecoverableMinor: taxOnDonationsMinor(scheduleTotal) - adjustmentTax,
      aggregationThresholdMinor: threshold,
    };

    const claimId = randomUUID();
    await m.query(
      `INSERT INTO gift_aid_claims (id, tenant_id, up_to, claim_date, created_by, row_count, gift_count, schedule_total_minor, adjustment_total_minor,
         total_donations_minor, adjustment_tax_minor, tax_recoverable_minor, aggregation_threshold_minor, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [claimId, tenantId, upTo, today, actor, rowCount, giftCount, scheduleTotal, adjustmentTotal, totals.totalDonationsMinor, adjustmentTax, totals.taxRecoverableMinor, threshold, now],
    );
    const col = <T>(f: (i: Item) => T) => items.map(f);
    await m.query(
      `INSERT INTO gift_aid_claim_items (tenant_id, claim_id, gift_id, kind, amount_minor, donation_date, declaration_id, adjusts_claim_id, adjustment_reason,
         donor_title, donor_first_name, donor_last_name, donor_house_name_or_number, donor_postcode, donor_country)
       SELECT $1, $2, * FROM unnest($3::uuid[], $4::text[], $5::bigint[], $6::date[], $7::uuid[], $8::uuid[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])`,
      [
        tenantId,
        claimId,
        col((i) => i.giftId),
        col((i) => i.kind),
        col((i) => i.amountMinor),
        col((i) => i.donationDate),
        col((i) => i.declarationId),
        col((i) => i.adjustsClaimId),
        col((i) => i.adjustmentReason),
        col((i) => i.donor?.title ?? null),
        col((i) => i.donor?.firstName ?? null),
        col((i) => i.donor?.lastName ?? null),
        col((i) => i.donor?.houseNameOrNumber ?? null),
        col((i) => i.donor?.postcode ?? null),
        col((i) => i.donor?.country ?? null),
      ],
    );
    await publishEvents(m, registry, tenantId, [
      newEvent(
        CLAIM_CREATED,
        claimId,
        { claimId, upTo, rowCount, totalDonationsMinor: totals.totalDonationsMinor, taxRecoverableMinor: totals.taxRecoverableMinor, adjustmentMinor: adjustmentTotal },
        claimId,
      ),
    ]);
    await writeAudit(m, { tenantId, actor, action: 'gift-aid-claim.created', entityType: 'GiftAidClaim', entityId: claimId, after: { upTo, claimDate: today, ...totals } });
    return { claimId };
  });
}
