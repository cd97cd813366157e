import { applyGift, summariseGiving, type CurrencyRollup } from './giving-rollup';

const day = (d: number) => new Date(Date.UTC(2026, 0, d));
const buildGift = (overrides: Partial<{ amountMinor: number; currency: string; receivedAt: Date }> = {}) => {
  const { amountMinor = 1000, currency = 'GBP', receivedAt = day(1) } = overrides;
  return { amount: { amountMinor, currency }, receivedAt };
};
const buildRollup = (overrides: Partial<CurrencyRollup> = {}): CurrencyRollup => ({ currency: 'GBP', totalMinor: 1000, giftCount: 1, lastGiftDate: day(1), ...overrides });

describe('applyGift', () => {
  it('starts a rollup from the first gift', () => {
    expect(applyGift(undefined, buildGift({ amountMinor: 2500, currency: 'EUR', receivedAt: day(3) }))).toEqual({
      currency: 'EUR',
      totalMinor: 2500,
      giftCount: 1,
      lastGiftDate: day(3),
    });
  });

  it.each<[string, Date, Date]>([
    ['a later gift moves lastGiftDate forward', day(10), day(10)],
    ['an earlier gift keeps lastGiftDate', day(2), day(5)],
    ['a gift on the same instant keeps it', day(5), day(5)],
  ])('%s', (_name, receivedAt, last) => {
    const out = applyGift(buildRollup({ totalMinor: 1000, giftCount: 2, lastGiftDate: day(5) }), buildGift({ amountMinor: 250, receivedAt }));
    expect(out).toEqual({ currency: 'GBP', totalMinor: 1250, giftCount: 3, lastGiftDate: last });
  });

  it('sets lastGiftDate on a rollup that had none', () => {
    expect(applyGift(buildRollup({ lastGiftDate: null, giftCount: 0, totalMinor: 0 }), buildGift({ receivedAt: day(7) })).lastGiftDate).toEqual(day(7));
  });

  it('does not mutate its input', () => {
    const r = buildRollup();
    const copy = { ...r };
    applyGift(r, buildGift());
    expect(r).toEqual(copy);
  });

  it('refuses to add a gift in another currency', () => {
    expect(() => applyGift(buildRollup({ currency: 'GBP' }), buildGift({ currency: 'EUR' }))).toThrow(/currency mismatch/);
  });

  it('gives the same rollup whatever the order of gifts (commutative)', () => {
    const gifts = [buildGift({ amountMinor: 100, receivedAt: day(4) }), buildGift({ amountMinor: 250, receivedAt: day(9) }), buildGift({ amountMinor: 75, receivedAt: day(1) })];
    const fold = (gs: typeof gifts) => gs.reduce<CurrencyRollup | undefined>((r, g) => applyGift(r, g), undefined);
    const expected = { currency: 'GBP', totalMinor: 425, giftCount: 3, lastGiftDate: day(9) };
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 0, 2], [1, 2, 0]]) expect(fold(order.map((i) => gifts[i]!))).toEqual(expected);
  });
});

describe('summariseGiving', () => {
  it('is zero in the default currency when there are no gifts', () => {
    expect(summariseGiving([], 'GBP')).toEqual({ lifetimeTotal: { amountMinor: 0, currency: 'GBP' }, totalsByCurrency: [], giftCount: 0, lastGiftDate: null });
  });

  it.each<[string, CurrencyRollup[], { amountMinor: number; currency: string }, string[]]>([
    [
      'the currency with most gifts wins, even with a smaller total',
      [buildRollup({ currency: 'EUR', totalMinor: 90_000, giftCount: 1 }), buildRollup({ currency: 'GBP', totalMinor: 300, giftCount: 3 })],
      { amountMinor: 300, currency: 'GBP' },
      ['GBP', 'EUR'],
    ],
    [
      'a tie on count goes to the larger total',
      [buildRollup({ currency: 'GBP', totalMinor: 100, giftCount: 2 }), buildRollup({ currency: 'USD', totalMinor: 500, giftCount: 2 })],
      { amountMinor: 500, currency: 'USD' },
      ['USD', 'GBP'],
    ],
    [
      'a tie on count and total goes to the alphabetically first code',
      [buildRollup({ currency: 'USD', totalMinor: 500, giftCount: 2 }), buildRollup({ currency: 'EUR', totalMinor: 500, giftCount: 2 })],
      { amountMinor: 500, currency: 'EUR' },
      ['EUR', 'USD'],
    ],
  ])('%s', (_name, rollups, lifetimeTotal, order) => {
    const out = summariseGiving(rollups, 'JPY');
    expect(out.lifetimeTotal).toEqual(lifetimeTotal);
    expect(out.totalsByCurrency.map((m) => m.currency)).toEqual(order);
  });

  it('never adds amounts across currencies, but counts all gifts and finds the latest date', () => {
    const out = summariseGiving(
      [
        buildRollup({ currency: 'GBP', totalMinor: 1000, giftCount: 3, lastGiftDate: day(2) }),
        buildRollup({ currency: 'EUR', totalMinor: 700, giftCount: 1, lastGiftDate: day(20) }),
        buildRollup({ currency: 'USD', totalMinor: 0, giftCount: 0, lastGiftDate: null }),
      ],
      'GBP',
    );
    expect(out).toEqual({
      lifetimeTotal: { amountMinor: 1000, currency: 'GBP' },
      totalsByCurrency: [
        { amountMinor: 1000, currency: 'GBP' },
        { amountMinor: 700, currency: 'EUR' },
        { amountMinor: 0, currency: 'USD' },
      ],
      giftCount: 4,
      lastGiftDate: day(20),
    });
  });

  it('does not reorder the caller\'s array', () => {
    const rollups = [buildRollup({ currency: 'EUR', giftCount: 1 }), buildRollup({ currency: 'GBP', giftCount: 5 })];
    summariseGiving(rollups, 'GBP');
    expect(rollups.map((r) => r.currency)).toEqual(['EUR', 'GBP']);
  });
});
