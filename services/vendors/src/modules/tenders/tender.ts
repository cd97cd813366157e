import { AppError } from '@commonhold/kit/domain';

/** OCDS tender statuses (https://standard.open-contracting.org/latest/en/schema/codelists/#tender-status). */
export const TENDER_STATUSES = ['planned', 'active', 'complete', 'cancelled', 'unsuccessful', 'withdrawn'] as const;
export type TenderStatus = (typeof TENDER_STATUSES)[number];

/** planned → active (published to the invited vendors) → complete (awarded); or ended without award. */
const TENDER_TRANSITIONS: Readonly<Record<TenderStatus, readonly TenderStatus[]>> = {
  planned: ['active', 'cancelled', 'withdrawn'],
  active: ['complete', 'cancelled', 'unsuccessful', 'withdrawn'],
  complete: [],
  cancelled: [],
  unsuccessful: [],
  withdrawn: [],
};

export function tenderTransition(field: string, from: TenderStatus, to: TenderStatus): TenderStatus {
  if (!TENDER_TRANSITIONS[from].includes(to)) {
    throw new AppError('CONFLICT', `A tender cannot go from ${from} to ${to}`, { field, details: { reason: 'ILLEGAL_TRANSITION', from, to } });
  }
  return to;
}

export interface OfferFacts {
  offerId: string;
  vendorId: string;
  priceMinor: number;
  durationDays: number;
  validUntil: string;
  /** The vendor's score (0–100) from its KPIs; null when it has no history. */
  vendorScore: number | null;
  eligible: boolean;
}

export interface RankedOffer extends OfferFacts {
  /** 0–100, null for an offer that cannot be awarded (expired, or the vendor is not eligible). */
  score: number | null;
  priceScore: number;
  durationScore: number;
  expired: boolean;
  rank: number;
}

/** Weights of the offer score; documented in docs/vendors.md. */
export const OFFER_WEIGHTS = { price: 0.5, vendor: 0.3, duration: 0.2 } as const;
/** The vendor component for a vendor with no KPI history: neither rewarded nor punished. */
export const NEUTRAL_VENDOR_SCORE = 50;

/**
 * Ranks a tender's offers. Score = 100 × (0.5 × cheapest/price + 0.3 × vendorScore/100
 * + 0.2 × shortest/duration), over the offers that can be awarded (valid on `day`, vendor eligible);
 * the others are listed last without a score. Ties: lower price, then earlier offer id order.
 */
export function rankOffers(offers: readonly OfferFacts[], day: string): RankedOffer[] {
  const expired = (o: OfferFacts) => o.validUntil < day;
  const live = offers.filter((o) => o.eligible && !expired(o));
  const cheapest = Math.min(...live.map((o) => o.priceMinor));
  const shortest = Math.min(...live.map((o) => o.durationDays));
  const scored = offers.map((o) => {
    const awardable = o.eligible && !expired(o);
    const priceScore = awardable ? cheapest / o.priceMinor : 0;
    const durationScore = awardable ? shortest / o.durationDays : 0;
    const vendor = (o.vendorScore ?? NEUTRAL_VENDOR_SCORE) / 100;
    const score = awardable ? Math.round(1000 * (OFFER_WEIGHTS.price * priceScore + OFFER_WEIGHTS.vendor * vendor + OFFER_WEIGHTS.duration * durationScore)) / 10 : null;
    return { ...o, score, priceScore: Math.round(priceScore * 10000) / 10000, durationScore: Math.round(durationScore * 10000) / 10000, expired: expired(o), rank: 0 };
  });
  scored.sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.priceMinor - b.priceMinor || a.offerId.localeCompare(b.offerId));
  return scored.map((o, i) => ({ ...o, rank: i + 1 }));
}
