import { accountingPeriodEnd, addYears, type IsoDate } from './dates';

/**
 * Gift Aid eligibility of one gift: pure rules, one reason per gift (the first rule that fails, in
 * the order of GIFT_AID_REASONS). See docs/runbooks/gift-aid-claims.md for the rules in prose.
 */
export const GIFT_AID_REASONS = [
  'ELIGIBLE',
  'ALREADY_CLAIMED',
  'PLEDGE_NOT_PAID',
  'NOT_GBP',
  'REFUNDED',
  'NOT_INDIVIDUAL',
  'NO_DECLARATION',
  'BENEFITS_EXCEED_LIMIT',
  'OUTSIDE_CLAIM_WINDOW',
] as const;
export type GiftAidReason = (typeof GIFT_AID_REASONS)[number];

export type GiftKind = 'ONE_OFF' | 'PLEDGE' | 'PLEDGE_PAYMENT' | 'RECURRING_INSTALMENT';

/** What of a declaration decides coverage (status is folded into coversTo / retroactivelyCancelled). */
export interface DeclarationCoverage {
  id: string;
  kind: 'ENDURING' | 'SINGLE';
  /** A SINGLE declaration covers exactly this gift. */
  giftId: string | null;
  declaredAt: IsoDate;
  coversFrom: IsoDate;
  /** Inclusive; null = open-ended. Set on cancellation (day before) and when superseded. */
  coversTo: IsoDate | null;
  /** An oral declaration cancelled within 30 days of its written record: as if never made. */
  retroactivelyCancelled: boolean;
}

export interface EligibilityGift {
  id: string;
  kind: GiftKind;
  currency: string;
  amountMinor: number;
  refundedMinor: number;
  /** Value of benefits the donor received in return. */
  benefitMinor: number;
  /** UTC calendar date the gift was received. */
  receivedOn: IsoDate;
  donorKind: 'PERSON' | 'ORGANISATION';
  /** The claim that already includes this gift, if any. */
  claimId: string | null;
  /** Benefits the same donor received from earlier gifts in the same UK tax year. */
  priorTaxYearBenefitsMinor: number;
}

export interface EligibilityContext {
  /** The claim (or query) date, UTC. */
  today: IsoDate;
  /** The tenant's accounting periods start on the 1st of this month. */
  fiscalYearStartMonth: number;
}

export interface Eligibility {
  eligible: boolean;
  reason: GiftAidReason;
  /** The declaration that covers the gift (when one does). */
  declarationId: string | null;
}

/** HMRC's cap on the total value of benefits one donor may receive in a tax year (£2,500). */
export const TAX_YEAR_BENEFIT_CAP_MINOR = 250_000;

export const netMinor = (g: Pick<EligibilityGift, 'amountMinor' | 'refundedMinor'>) => g.amountMinor - g.refundedMinor;

/**
 * HMRC donor-benefit limit (from 6 April 2019) for a donation: up to £100 → 25% of it; above →
 * £25 + 5% of the part above £100. Compared in integers (no rounding): benefit ≤ limit.
 */
export function benefitWithinLimit(donationMinor: number, benefitMinor: number): boolean {
  if (benefitMinor <= 0) return true;
  if (donationMinor <= 10_000) return benefitMinor * 4 <= donationMinor;
  return benefitMinor * 100 <= 250_000 + (donationMinor - 10_000) * 5;
}

/** Last day Gift Aid can be claimed on a gift: 4 years after the end of its accounting period. */
export const claimDeadline = (receivedOn: IsoDate, fiscalYearStartMonth: number): IsoDate => addYears(accountingPeriodEnd(receivedOn, fiscalYearStartMonth), 4);

/** True when the declaration covers the gift (by date, or by id for a SINGLE declaration). */
export function declarationCovers(d: DeclarationCoverage, gift: Pick<EligibilityGift, 'id' | 'receivedOn'>): boolean {
  if (d.retroactivelyCancelled) return false;
  if (d.kind === 'SINGLE' && d.giftId !== gift.id) return false;
  return d.coversFrom <= gift.receivedOn && (d.coversTo === null || gift.receivedOn <= d.coversTo);
}

/** The declaration a gift is claimed under: its SINGLE declaration, else the latest ENDURING one covering it. */
export function coveringDeclaration<D extends DeclarationCoverage>(declarations: readonly D[], gift: Pick<EligibilityGift, 'id' | 'receivedOn'>): D | null {
  const covering = declarations.filter((d) => declarationCovers(d, gift));
  covering.sort((a, b) => (a.kind !== b.kind ? (a.kind === 'SINGLE' ? -1 : 1) : a.declaredAt < b.declaredAt ? 1 : a.declaredAt > b.declaredAt ? -1 : a.id < b.id ? 1 : -1));
  return covering[0] ?? null;
}

export function giftAidEligibility(gift: EligibilityGift, declarations: readonly DeclarationCoverage[], ctx: EligibilityContext): Eligibility {
  const covering = coveringDeclaration(declarations, gift);
  const no = (reason: GiftAidReason): Eligibility => ({ eligible: false, reason, declarationId: covering?.id ?? null });
  if (gift.claimId) return no('ALREADY_CLAIMED');
  if (gift.kind === 'PLEDGE') return no('PLEDGE_NOT_PAID');
  if (gift.currency !== 'GBP') return no('NOT_GBP');
  const net = netMinor(gift);
  if (net <= 0) return no('REFUNDED');
  if (gift.donorKind !== 'PERSON') return no('NOT_INDIVIDUAL');
  if (!covering) return no('NO_DECLARATION');
  if (!benefitWithinLimit(net, gift.benefitMinor)) return no('BENEFITS_EXCEED_LIMIT');
  if (gift.benefitMinor > 0 && gift.priorTaxYearBenefitsMinor + gift.benefitMinor > TAX_YEAR_BENEFIT_CAP_MINOR) return no('BENEFITS_EXCEED_LIMIT');
  if (ctx.today > claimDeadline(gift.receivedOn, ctx.fiscalYearStartMonth)) return no('OUTSIDE_CLAIM_WINDOW');
  return { eligible: true, reason: 'ELIGIBLE', declarationId: covering.id };
}

/**
 * The (negative) adjustment a claimed gift needs now, or 0: what should have been claimed (its net
 * amount while a declaration still covers it, else nothing) minus what was claimed net of earlier
 * adjustments. Gift Aid is never claimed upwards through an adjustment.
 */
export function adjustmentMinor(a: { claimedMinor: number; adjustedMinor: number; netMinor: number; covered: boolean }): number {
  const shouldBe = a.covered ? Math.max(0, a.netMinor) : 0;
  const diff = shouldBe - (a.claimedMinor + a.adjustedMinor);
  return diff < 0 ? diff : 0;
}

/** Basic-rate Gift Aid on donations: 25p per £1 (20/80), rounded down to the penny. */
export const taxOnDonationsMinor = (donationsMinor: number) => Math.floor(donationsMinor / 4);

/** Tax previously over-claimed on adjusted (negative) donations, rounded up to the penny. */
export const taxOnAdjustmentMinor = (adjustmentMinor: number) => (adjustmentMinor < 0 ? Math.ceil(-adjustmentMinor / 4) : 0);
