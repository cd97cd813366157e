import { computeKpis, preferredByTrade, vendorScore, type KpiFact, type VendorKpis } from './kpi';

const t = (iso: string) => new Date(iso);
const buildFact = (o: Partial<KpiFact> = {}): KpiFact => ({
  offeredAt: t('2026-01-01T00:00:00Z'),
  acceptedAt: t('2026-01-01T10:00:00Z'),
  responseDueAt: t('2026-01-02T00:00:00Z'),
  completedAt: t('2026-01-05T00:00:00Z'),
  completionDueAt: t('2026-01-11T10:00:00Z'),
  awardedMinor: 100_000,
  invoiceMinor: 100_000,
  rating: 5,
  verified: true,
  ...o,
});

describe('NC-406 vendor KPIs and score', () => {
  it('a perfect record scores 100', () => {
    expect(computeKpis([buildFact()])).toEqual({
      workOrders: 1, accepted: 1, avgResponseHours: 10, responseWithinSlaRate: 1, completed: 1, onTimeRate: 1, avgCostOverrun: 0, avgRating: 5, verified: 1, score: 100,
    });
  });
  it('counts late answers, late completion, overruns and ratings', () => {
    const k = computeKpis([
      buildFact(),
      buildFact({ acceptedAt: t('2026-01-03T00:00:00Z'), completedAt: t('2026-01-20T00:00:00Z'), invoiceMinor: 150_000, rating: 3 }),
    ]);
    expect(k).toMatchObject({ avgResponseHours: 29, responseWithinSlaRate: 0.5, onTimeRate: 0.5, avgCostOverrun: 0.25, avgRating: 4 });
    // 100 × (0.3×0.5 + 0.3×0.5 + 0.2×0.75 + 0.2×0.75) = 60
    expect(k.score).toBe(60);
  });
  it('an invoice under the offer is no overrun, and an overrun beyond 100 % floors the cost part at 0', () => {
    expect(computeKpis([buildFact({ invoiceMinor: 50_000 })]).avgCostOverrun).toBe(0);
    expect(vendorScore({ responseWithinSlaRate: null, onTimeRate: null, avgCostOverrun: 3, avgRating: null })).toBe(0);
  });
  it('leaves out components without data and rescales the weights; no data → no score', () => {
    // only response (0.3, rate 1) and quality (0.2, rating 3 → 0.5): (0.3 + 0.1) / 0.5 = 80
    expect(vendorScore({ responseWithinSlaRate: 1, onTimeRate: null, avgCostOverrun: null, avgRating: 3 })).toBe(80);
    expect(computeKpis([buildFact({ acceptedAt: null, completedAt: null, invoiceMinor: null, rating: null, verified: false })])).toMatchObject({ workOrders: 1, accepted: 0, score: null });
    expect(computeKpis([]).score).toBeNull();
  });
});

describe('NC-406 preferred vendor per trade', () => {
  const kpis = (score: number | null, verified: number): VendorKpis => ({ ...computeKpis([]), score, verified });
  it('picks the best qualifying vendor of each trade', () => {
    const p = preferredByTrade([
      { id: 'a', trades: ['plumbing', 'heating'], kpis: kpis(80, 2) },
      { id: 'b', trades: ['plumbing'], kpis: kpis(90, 5) },
      { id: 'c', trades: ['roofing'], kpis: kpis(95, 1) }, // too little verified work
      { id: 'd', trades: ['glazing'], kpis: kpis(69.9, 9) }, // under the minimum score
      { id: 'e', trades: ['heating'], kpis: kpis(80, 3) }, // tie on score: more verified work wins
    ]);
    expect(Object.fromEntries(p)).toEqual({ plumbing: 'b', heating: 'e' });
  });
});
