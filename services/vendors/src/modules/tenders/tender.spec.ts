import { rankOffers, tenderTransition, type OfferFacts } from './tender';

const buildOffer = (o: Partial<OfferFacts> = {}): OfferFacts => ({ offerId: 'o1', vendorId: 'v1', priceMinor: 100_000, durationDays: 10, validUntil: '2026-12-31', vendorScore: null, eligible: true, ...o });

describe('NC-405 offer comparison (the documented score)', () => {
  it('scores 0.5 × price + 0.3 × vendor + 0.2 × duration and ranks best first', () => {
    const r = rankOffers([
      buildOffer({ offerId: 'a', priceMinor: 100_000, durationDays: 10, vendorScore: 100 }),
      buildOffer({ offerId: 'b', priceMinor: 80_000, durationDays: 20, vendorScore: 40 }),
    ], '2026-06-01');
    // a: 0.5×0.8 + 0.3×1 + 0.2×1 = 0.9; b: 0.5×1 + 0.3×0.4 + 0.2×0.5 = 0.72
    expect(r.map((o) => [o.offerId, o.score, o.rank])).toEqual([['a', 90, 1], ['b', 72, 2]]);
    expect(r[0]).toMatchObject({ priceScore: 0.8, durationScore: 1 });
  });
  it('gives a vendor without history the neutral 50', () => {
    expect(rankOffers([buildOffer()], '2026-06-01')[0]!.score).toBe(85);
  });
  it('lists offers of ineligible vendors and expired offers last, without a score, and they do not set the baseline', () => {
    const r = rankOffers([
      buildOffer({ offerId: 'cheap-ineligible', priceMinor: 10, eligible: false }),
      buildOffer({ offerId: 'expired', priceMinor: 20, validUntil: '2026-05-31' }),
      buildOffer({ offerId: 'ok', priceMinor: 100_000 }),
    ], '2026-06-01');
    expect(r.map((o) => [o.offerId, o.score])).toEqual([['ok', 85], ['cheap-ineligible', null], ['expired', null]]);
    expect(r[2]!.expired).toBe(true);
  });
  it('breaks score ties on the lower price', () => {
    const r = rankOffers([buildOffer({ offerId: 'x', priceMinor: 100, durationDays: 5, vendorScore: 50 }), buildOffer({ offerId: 'y', priceMinor: 100, durationDays: 5, vendorScore: 50 })], '2026-01-01');
    expect(r.map((o) => o.rank)).toEqual([1, 2]);
    expect(r[0]!.score).toBe(r[1]!.score);
  });
});

describe('NC-405 tender statuses (OCDS)', () => {
  it('moves planned → active → complete and refuses leaving a final status', () => {
    expect(tenderTransition('input.id', 'planned', 'active')).toBe('active');
    expect(tenderTransition('input.id', 'active', 'complete')).toBe('complete');
    expect(tenderTransition('input.id', 'active', 'unsuccessful')).toBe('unsuccessful');
    expect(() => tenderTransition('input.id', 'planned', 'complete')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'CONFLICT', reason: 'ILLEGAL_TRANSITION' }) }));
    for (const s of ['complete', 'cancelled', 'unsuccessful', 'withdrawn'] as const) expect(() => tenderTransition('input.id', s, 'active')).toThrow();
  });
});
