import { countedNet, fiscalYearLabel, fiscalYearOf, foldGift, rollupFrom, summariseGiving, emptyRollup, type RollupGift } from './giving-rollup';

const gift = (id: string, amountMinor: number, at: string, extra: Partial<RollupGift> = {}): RollupGift => ({
  id,
  kind: 'ONE_OFF',
  amountMinor,
  refundedMinor: 0,
  currency: 'GBP',
  receivedAt: new Date(at),
  ...extra,
});

describe('countedNet', () => {
  it.each([
    ['a one-off gift counts in full', gift('a', 1000, '2026-01-01T00:00:00Z'), 1000],
    ['a pledge is a promise and counts nothing', gift('a', 1000, '2026-01-01T00:00:00Z', { kind: 'PLEDGE' }), 0],
    ['a pledge payment counts', gift('a', 1000, '2026-01-01T00:00:00Z', { kind: 'PLEDGE_PAYMENT' }), 1000],
    ['a partial refund subtracts', gift('a', 1000, '2026-01-01T00:00:00Z', { refundedMinor: 250 }), 750],
    ['a full refund leaves nothing', gift('a', 1000, '2026-01-01T00:00:00Z', { refundedMinor: 1000 }), 0],
  ])('%s', (_name, g, expected) => expect(countedNet(g)).toBe(expected));
});

describe('fiscalYearOf', () => {
  it.each([
    ['2026-04-01T00:00:00Z', 4, 2026],
    ['2026-03-31T23:59:59Z', 4, 2025],
    ['2026-01-01T00:00:00Z', 1, 2026],
    ['2025-12-31T23:59:59Z', 1, 2025],
    ['2026-09-30T12:00:00Z', 10, 2025],
    ['2026-10-01T00:00:00Z', 10, 2026],
  ])('%s with a fiscal year starting in month %i is FY %i', (at, start, fy) => expect(fiscalYearOf(new Date(at), start)).toBe(fy));

  it.each([
    [2025, 4, '2025/26'],
    [2099, 7, '2099/00'],
    [2026, 1, '2026'],
  ])('labels FY %i (start month %i) as %s', (fy, start, label) => expect(fiscalYearLabel(fy, start)).toBe(label));
});

describe('rollupFrom', () => {
  const gifts = [
    gift('b', 5000, '2025-05-10T10:00:00Z'),
    gift('a', 1000, '2024-06-01T10:00:00Z'),
    gift('c', 2000, '2026-02-01T10:00:00Z', { refundedMinor: 500 }),
    gift('d', 9999, '2026-02-02T10:00:00Z', { kind: 'PLEDGE' }),
    gift('e', 3000, '2026-04-02T10:00:00Z', { refundedMinor: 3000 }),
  ];

  it('totals, counts, extremes, first/last and fiscal years (April start)', () => {
    const [r] = rollupFrom(gifts, [], 4);
    expect(r).toEqual({
      ...emptyRollup('GBP'),
      totalMinor: 1000 + 5000 + 1500,
      giftCount: 3,
      smallestMinor: 1000,
      largestMinor: 5000,
      firstGiftAt: new Date('2024-06-01T10:00:00Z'),
      firstGiftMinor: 1000,
      lastGiftAt: new Date('2026-02-01T10:00:00Z'),
      lastGiftMinor: 1500,
      byFiscalYear: { '2024': 1000, '2025': 6500 },
    });
  });

  it('is independent of gift order', () => {
    const forward = rollupFrom(gifts, [], 4);
    const backward = rollupFrom([...gifts].reverse(), [], 4);
    expect(backward).toEqual(forward);
  });

  it('breaks ties on the same instant by gift id (first: lowest, last: highest)', () => {
    const same = '2026-01-01T00:00:00Z';
    const [r] = rollupFrom([gift('b', 200, same), gift('a', 100, same), gift('c', 300, same)], [], 1);
    expect([r!.firstGiftMinor, r!.lastGiftMinor]).toEqual([100, 300]);
  });

  it('keeps currencies apart and counts soft credits at most up to the gift net', () => {
    const usd = gift('u', 4000, '2026-01-01T00:00:00Z', { currency: 'USD' });
    const other = gift('o', 1000, '2026-01-05T00:00:00Z', { refundedMinor: 400 });
    const rollups = rollupFrom([usd], [{ gift: other, amountMinor: 1000 }], 4);
    expect(rollups.find((r) => r.currency === 'USD')!.totalMinor).toBe(4000);
    expect(rollups.find((r) => r.currency === 'GBP')).toEqual({ ...emptyRollup('GBP'), softCreditMinor: 600 });
  });

  it('refuses to fold a gift into another currency', () => {
    expect(() => foldGift(emptyRollup('EUR'), gift('a', 1, '2026-01-01T00:00:00Z'), 4)).toThrow(/currency/);
  });
});

describe('summariseGiving', () => {
  const now = new Date('2026-11-22T12:00:00Z'); // FY 2026/27 with an April start
  const rollups = rollupFrom(
    [
      gift('a', 1000, '2024-06-01T10:00:00Z'), // FY 2024
      gift('b', 5000, '2025-05-10T10:00:00Z'), // FY 2025
      gift('c', 1500, '2026-02-01T10:00:00Z'), // FY 2025
      gift('d', 2500, '2026-06-01T10:00:00Z'), // FY 2026
      gift('e', 700, '2026-01-01T10:00:00Z', { currency: 'EUR' }),
    ],
    [],
    4,
  );

  it('reports every figure in the main currency', () => {
    const s = summariseGiving(rollups, { defaultCurrency: 'GBP', now, fiscalStartMonth: 4, last365ByCurrency: { GBP: 4000 } });
    expect(s).toMatchObject({
      currency: 'GBP',
      lifetimeTotal: { amountMinor: 10000, currency: 'GBP' },
      giftCount: 5,
      averageGift: { amountMinor: 2500, currency: 'GBP' },
      smallestGift: { amountMinor: 1000, currency: 'GBP' },
      largestGift: { amountMinor: 5000, currency: 'GBP' },
      firstGift: { date: new Date('2024-06-01T10:00:00Z'), amount: { amountMinor: 1000, currency: 'GBP' } },
      lastGift: { date: new Date('2026-06-01T10:00:00Z'), amount: { amountMinor: 2500, currency: 'GBP' } },
      thisFiscalYear: { amountMinor: 2500, currency: 'GBP' },
      lastFiscalYear: { amountMinor: 6500, currency: 'GBP' },
      twoFiscalYearsAgo: { amountMinor: 1000, currency: 'GBP' },
      last365Days: { amountMinor: 4000, currency: 'GBP' },
      bestYear: { fiscalYear: 2025, label: '2025/26', startsOn: '2025-04-01', total: { amountMinor: 6500, currency: 'GBP' } },
      softCreditTotal: { amountMinor: 0, currency: 'GBP' },
    });
    expect(s.totalsByCurrency).toEqual([
      { amountMinor: 10000, currency: 'GBP' },
      { amountMinor: 700, currency: 'EUR' },
    ]);
    expect(s.fiscalYears.map((y) => y.fiscalYear)).toEqual([2026, 2025, 2024]);
  });

  it('gives the best-year tie to the more recent year', () => {
    const tie = rollupFrom([gift('a', 1000, '2024-06-01T00:00:00Z'), gift('b', 1000, '2025-06-01T00:00:00Z')], [], 4);
    expect(summariseGiving(tie, { defaultCurrency: 'GBP', now, fiscalStartMonth: 4 }).bestYear?.fiscalYear).toBe(2025);
  });

  it('shows zeros in the tenant default currency when there is nothing', () => {
    const s = summariseGiving([], { defaultCurrency: 'GBP', now, fiscalStartMonth: 4 });
    expect(s).toMatchObject({ currency: 'GBP', lifetimeTotal: { amountMinor: 0, currency: 'GBP' }, giftCount: 0, averageGift: null, firstGift: null, bestYear: null });
    expect(s.totalsByCurrency).toEqual([]);
  });

  it('rounds the average half up to a whole minor unit', () => {
    const r = rollupFrom([gift('a', 1, '2026-01-01T00:00:00Z'), gift('b', 2, '2026-01-02T00:00:00Z')], [], 4);
    expect(summariseGiving(r, { defaultCurrency: 'GBP', now, fiscalStartMonth: 4 }).averageGift?.amountMinor).toBe(2);
  });
});
