import type { EntityManager } from 'typeorm';
import type { IsoDate } from './dates';
import type { DeclarationCoverage, EligibilityGift } from './eligibility';
import { DEFAULT_AGGREGATION_THRESHOLD_MINOR, type ScheduleDonor } from './schedule';

/** Set-based reads shared by the claim use case and the resolvers (no per-gift queries). */

export interface DeclarationRow extends DeclarationCoverage {
  tenantId: string;
  contactId: string;
  method: 'WRITTEN' | 'ORAL' | 'ONLINE';
  status: 'ACTIVE' | 'CANCELLED' | 'SUPERSEDED';
  confirmationSentAt: IsoDate | null;
  confirmationReference: string | null;
  cancelledAt: IsoDate | null;
  cancellationReason: string | null;
  supersededById: string | null;
  donor: ScheduleDonor;
  createdAt: Date;
}

export const DECLARATION_COLUMNS = `id, tenant_id, contact_id, kind, method, status, declared_at, covers_from, covers_to, gift_id, oral_confirmation_sent_at,
  confirmation_reference, retroactively_cancelled, cancelled_at, cancellation_reason, superseded_by_id, donor_title, donor_first_name,
  donor_last_name, donor_house_name_or_number, donor_postcode, donor_country, created_at`;

/** The donor details frozen on a declaration or claim item (`donor_*` columns). */
export function donorSnapshot(r: Record<string, any>) {
  return {
    title: r.donor_title as string | null,
    firstName: r.donor_first_name as string | null,
    lastName: r.donor_last_name as string | null,
    houseNameOrNumber: r.donor_house_name_or_number as string | null,
    postcode: r.donor_postcode as string | null,
    country: (r.donor_country?.trim() ?? null) as string | null,
  };
}

export function toDeclaration(r: Record<string, any>): DeclarationRow {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    contactId: r.contact_id,
    kind: r.kind,
    method: r.method,
    status: r.status,
    declaredAt: r.declared_at,
    coversFrom: r.covers_from,
    coversTo: r.covers_to,
    giftId: r.gift_id,
    confirmationSentAt: r.oral_confirmation_sent_at,
    confirmationReference: r.confirmation_reference,
    retroactivelyCancelled: r.retroactively_cancelled,
    cancelledAt: r.cancelled_at,
    cancellationReason: r.cancellation_reason,
    supersededById: r.superseded_by_id,
    donor: donorSnapshot(r),
    createdAt: r.created_at,
  };
}

/** Every declaration of these contacts, newest first, grouped by contact. */
export async function loadDeclarationsByContact(m: EntityManager, tenantId: string, contactIds: readonly string[]): Promise<Map<string, DeclarationRow[]>> {
  const out = new Map<string, DeclarationRow[]>();
  if (!contactIds.length) return out;
  const rows: Record<string, any>[] = await m.query(
    `SELECT ${DECLARATION_COLUMNS} FROM gift_aid_declarations WHERE tenant_id = $1 AND contact_id = ANY($2::uuid[])
     ORDER BY declared_at DESC, created_at DESC, id DESC`,
    [tenantId, contactIds],
  );
  for (const r of rows.map(toDeclaration)) {
    const list = out.get(r.contactId) ?? [];
    list.push(r);
    out.set(r.contactId, list);
  }
  return out;
}

export interface GiftFacts extends EligibilityGift {
  contactId: string;
  contactErased: boolean;
  /** The contact's current details (used unless the contact was erased). */
  contact: ScheduleDonor;
}

/**
 * Gifts with what eligibility needs: the donor's kind and details, the claim already holding the
 * gift, and the benefits the donor had from earlier gifts in the same UK tax year (6 April, UTC).
 */
const GIFT_FACTS_SQL = (filter: string) => `
  WITH g AS (
    SELECT g.*, (g.received_at AT TIME ZONE 'UTC')::date AS received_on FROM gifts g WHERE g.tenant_id = $1 AND ${filter}
  )
  SELECT g.id, g.contact_id, g.kind, g.currency, g.amount_minor, g.refunded_minor, g.benefit_minor, g.received_on,
    c.kind AS contact_kind, c.erased_at IS NOT NULL AS erased, c.title, c.first_name, c.last_name, c.house_name_or_number, c.postcode, c.country,
    ci.claim_id,
    CASE WHEN g.benefit_minor = 0 THEN 0 ELSE (
      SELECT COALESCE(sum(o.benefit_minor), 0) FROM gifts o
      WHERE o.tenant_id = g.tenant_id AND o.contact_id = g.contact_id AND o.kind <> 'PLEDGE' AND o.currency = 'GBP'
        AND o.refunded_minor < o.amount_minor AND o.benefit_minor > 0
        AND o.received_at >= make_date(extract(year FROM g.received_on)::int - CASE WHEN to_char(g.received_on, 'MM-DD') < '04-06' THEN 1 ELSE 0 END, 4, 6)::timestamp AT TIME ZONE 'UTC'
        AND (o.received_at, o.id) < (g.received_at, g.id)
    ) END AS prior_benefits
  FROM g
  JOIN contacts c ON c.id = g.contact_id
  LEFT JOIN gift_aid_claim_items ci ON ci.tenant_id = g.tenant_id AND ci.gift_id = g.id AND ci.kind = 'CLAIM'`;

function toFacts(r: Record<string, any>): GiftFacts {
  return {
    id: r.id,
    contactId: r.contact_id,
    kind: r.kind,
    currency: r.currency,
    amountMinor: Number(r.amount_minor),
    refundedMinor: Number(r.refunded_minor),
    benefitMinor: Number(r.benefit_minor),
    receivedOn: r.received_on,
    donorKind: r.contact_kind,
    claimId: r.claim_id,
    priorTaxYearBenefitsMinor: Number(r.prior_benefits),
    contactErased: r.erased,
    contact: { title: r.title, firstName: r.first_name, lastName: r.last_name, houseNameOrNumber: r.house_name_or_number, postcode: r.postcode, country: r.country?.trim() ?? null },
  };
}

export async function loadGiftFactsByIds(m: EntityManager, tenantId: string, giftIds: readonly string[]): Promise<GiftFacts[]> {
  if (!giftIds.length) return [];
  return (await m.query(GIFT_FACTS_SQL('g.id = ANY($2::uuid[])'), [tenantId, giftIds])).map(toFacts);
}

/**
 * Claim candidates: unclaimed GBP gifts (not pledges, not fully refunded) received on or before
 * `upTo` by individuals with at least one declaration. The pure eligibility rules decide the rest.
 */
export async function loadClaimCandidates(m: EntityManager, tenantId: string, upTo: IsoDate): Promise<GiftFacts[]> {
  const rows: Record<string, any>[] = await m.query(
    `SELECT * FROM (${GIFT_FACTS_SQL(`g.received_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC' AND g.kind <> 'PLEDGE' AND g.currency = 'GBP' AND g.refunded_minor < g.amount_minor
        AND NOT EXISTS (SELECT 1 FROM gift_aid_claim_items x WHERE x.tenant_id = g.tenant_id AND x.gift_id = g.id AND x.kind = 'CLAIM')
        AND EXISTS (SELECT 1 FROM gift_aid_declarations d WHERE d.tenant_id = g.tenant_id AND d.contact_id = g.contact_id AND NOT d.retroactively_cancelled)`)}) f
     WHERE f.contact_kind = 'PERSON'`,
    [tenantId, upTo],
  );
  return rows.map(toFacts);
}

export interface ClaimedGift {
  giftId: string;
  contactId: string;
  claimId: string;
  receivedOn: IsoDate;
  claimedMinor: number;
  adjustedMinor: number;
  netMinor: number;
}

/**
 * Claimed gifts that may need an adjustment: refunded since, or their contact has a retroactively
 * cancelled declaration; and not yet adjusted down to nothing.
 */
export async function loadAdjustmentCandidates(m: EntityManager, tenantId: string): Promise<ClaimedGift[]> {
  const rows: Record<string, any>[] = await m.query(
    `WITH adj AS (
       SELECT gift_id, sum(amount_minor) AS adjusted FROM gift_aid_claim_items WHERE tenant_id = $1 AND kind = 'ADJUSTMENT' GROUP BY gift_id
     )
     SELECT ci.gift_id, g.contact_id, ci.claim_id, ci.donation_date, ci.amount_minor AS claimed, COALESCE(adj.adjusted, 0) AS adjusted, g.amount_minor - g.refunded_minor AS net
     FROM gift_aid_claim_items ci
     JOIN gifts g ON g.id = ci.gift_id
     LEFT JOIN adj ON adj.gift_id = ci.gift_id
     WHERE ci.tenant_id = $1 AND ci.kind = 'CLAIM' AND ci.amount_minor + COALESCE(adj.adjusted, 0) > 0
       AND (g.amount_minor - g.refunded_minor < ci.amount_minor + COALESCE(adj.adjusted, 0)
         OR EXISTS (SELECT 1 FROM gift_aid_declarations d WHERE d.tenant_id = $1 AND d.contact_id = g.contact_id AND d.retroactively_cancelled))`,
    [tenantId],
  );
  return rows.map((r) => ({
    giftId: r.gift_id,
    contactId: r.contact_id,
    claimId: r.claim_id,
    receivedOn: r.donation_date,
    claimedMinor: Number(r.claimed),
    adjustedMinor: Number(r.adjusted),
    netMinor: Number(r.net),
  }));
}

/** The aggregation threshold in force on `date` (the latest effective on or before it; £20 by default). */
export async function thresholdOn(m: EntityManager, tenantId: string, date: IsoDate): Promise<number> {
  const [row] = await m.query(
    `SELECT amount_minor FROM gift_aid_aggregation_thresholds WHERE tenant_id = $1 AND effective_from <= $2::date ORDER BY effective_from DESC LIMIT 1`,
    [tenantId, date],
  );
  return row ? Number(row.amount_minor) : DEFAULT_AGGREGATION_THRESHOLD_MINOR;
}
