import { bucketOf, calendarDate, daysBetween, position, reversalRefusal, type LedgerEntry } from './ledger';

let seq = 0;
function buildEntry(overrides: Partial<LedgerEntry> & Pick<LedgerEntry, 'id'>): LedgerEntry {
  seq += 1;
  return { seq, kind: 'charge', subtype: 'common_expense', amountMinor: 10_000, bookedOn: '2026-01-01', dueOn: '2026-01-01', reversesId: null, ...overrides };
}
const charge = (id: string, amountMinor: number, dueOn: string, extra: Partial<LedgerEntry> = {}) => buildEntry({ id, amountMinor, dueOn, bookedOn: dueOn, ...extra });
const payment = (id: string, amountMinor: number, bookedOn: string, extra: Partial<LedgerEntry> = {}) =>
  buildEntry({ id, kind: 'payment', subtype: 'manual', amountMinor: -amountMinor, bookedOn, dueOn: null, ...extra });
const reversal = (id: string, of: LedgerEntry, bookedOn: string) => buildEntry({ id, kind: 'reversal', subtype: of.kind, amountMinor: -of.amountMinor, bookedOn, dueOn: of.dueOn, reversesId: of.id });

describe('bucketOf (days past due)', () => {
  it.each([
    [-5, 'notDue'],
    [0, 'notDue'],
    [1, 'd0_30'],
    [30, 'd0_30'],
    [31, 'd31_60'],
    [60, 'd31_60'],
    [61, 'd61_90'],
    [90, 'd61_90'],
    [91, 'd90Plus'],
    [4000, 'd90Plus'],
  ])('%p days → %s', (d, bucket) => expect(bucketOf(d)).toBe(bucket));
});

describe('position: allocation oldest first and aging', () => {
  const jan = charge('jan', 10_000, '2026-01-01');
  const feb = charge('feb', 10_000, '2026-02-01');
  const mar = charge('mar', 10_000, '2026-03-01');

  it.each<[string, LedgerEntry[], string, { balance: number; unapplied: number; open: Record<string, number>; aging: Partial<Record<string, number>> }]>([
    ['nothing posted', [], '2026-03-15', { balance: 0, unapplied: 0, open: {}, aging: {} }],
    ['one unpaid charge due today is not overdue', [jan], '2026-01-01', { balance: 10_000, unapplied: 0, open: { jan: 10_000 }, aging: { notDue: 10_000 } }],
    ['one unpaid charge 1 day late', [jan], '2026-01-02', { balance: 10_000, unapplied: 0, open: { jan: 10_000 }, aging: { d0_30: 10_000 } }],
    [
      'three charges 19, 47 and 78 days late',
      [jan, feb, mar],
      '2026-03-20',
      { balance: 30_000, unapplied: 0, open: { jan: 10_000, feb: 10_000, mar: 10_000 }, aging: { d0_30: 10_000, d31_60: 10_000, d61_90: 10_000 } },
    ],
    [
      'three charges 32, 60 and 91 days late',
      [jan, feb, mar],
      '2026-04-02',
      { balance: 30_000, unapplied: 0, open: { jan: 10_000, feb: 10_000, mar: 10_000 }, aging: { d31_60: 20_000, d90Plus: 10_000 } },
    ],
    [
      'a part payment pays the oldest charge first',
      [jan, feb, payment('p1', 12_500, '2026-02-10')],
      '2026-02-10',
      { balance: 7_500, unapplied: 0, open: { jan: 0, feb: 7_500 }, aging: { d0_30: 7_500 } },
    ],
    [
      'a back-dated charge with an earlier due date is paid first',
      [feb, payment('p2', 10_000, '2026-02-05'), charge('late-posted', 4_000, '2026-01-15', { bookedOn: '2026-02-06' })],
      '2026-02-20',
      { balance: 4_000, unapplied: 0, open: { 'late-posted': 0, feb: 4_000 }, aging: { d0_30: 4_000 } },
    ],
    [
      'an overpayment is kept as unapplied credit and absorbs the next charge',
      [jan, payment('p3', 15_000, '2026-01-05'), feb],
      '2026-02-01',
      { balance: 5_000, unapplied: 0, open: { jan: 0, feb: 5_000 }, aging: { notDue: 5_000 } },
    ],
    [
      'an overpayment before any new charge',
      [jan, payment('p4', 15_000, '2026-01-05')],
      '2026-01-20',
      { balance: -5_000, unapplied: 5_000, open: { jan: 0 }, aging: {} },
    ],
    [
      'entries booked after asOf are ignored',
      [jan, payment('p5', 10_000, '2026-03-01')],
      '2026-02-15',
      { balance: 10_000, unapplied: 0, open: { jan: 10_000 }, aging: { d31_60: 10_000 } },
    ],
    [
      'a credit adjustment pays like a payment; a debit adjustment ages like a charge',
      [jan, buildEntry({ id: 'cr', kind: 'adjustment', subtype: 'credit', amountMinor: -2_000, bookedOn: '2026-01-03', dueOn: null }), buildEntry({ id: 'dr', kind: 'adjustment', subtype: 'debit', amountMinor: 500, bookedOn: '2026-01-04', dueOn: '2026-01-10' })],
      '2026-01-20',
      { balance: 8_500, unapplied: 0, open: { jan: 8_000, dr: 500 }, aging: { d0_30: 8_500 } },
    ],
  ])('%s', (_, entries, asOf, want) => {
    const p = position(entries, asOf);
    expect(p.balanceMinor).toBe(want.balance);
    expect(p.unappliedCreditMinor).toBe(want.unapplied);
    expect(Object.fromEntries(p.charges.map((c) => [c.id, c.openMinor]))).toEqual(want.open);
    expect(p.aging).toEqual({ notDue: 0, d0_30: 0, d31_60: 0, d61_90: 0, d90Plus: 0, ...want.aging });
    // Balance = open debits − unapplied credit, always.
    expect(p.charges.reduce((s, c) => s + c.openMinor, 0) - p.unappliedCreditMinor).toBe(p.balanceMinor);
  });

  it('a reversed payment re-opens the charges it paid, from the reversal date on', () => {
    const p = payment('p', 10_000, '2026-01-05');
    const entries = [jan, p, reversal('rp', p, '2026-01-20')];
    expect(position(entries, '2026-01-10').aging.d0_30).toBe(0);
    expect(position(entries, '2026-01-20')).toMatchObject({ balanceMinor: 10_000, aging: { d0_30: 10_000 } });
  });

  it('a reversed charge disappears and its payment becomes unapplied credit', () => {
    const entries = [jan, payment('p', 10_000, '2026-01-05'), reversal('rj', jan, '2026-01-06')];
    expect(position(entries, '2026-01-07')).toMatchObject({ balanceMinor: -10_000, unappliedCreditMinor: 10_000, charges: [] });
  });

  it('records which charges each payment paid, oldest first', () => {
    const entries = [feb, jan, payment('p', 15_000, '2026-02-10')];
    expect(position(entries, '2026-02-10').allocations).toEqual([
      { creditId: 'p', chargeId: 'jan', amountMinor: 10_000 },
      { creditId: 'p', chargeId: 'feb', amountMinor: 5_000 },
    ]);
  });

  it('reports the oldest days past due of what stays open', () => {
    expect(position([jan, feb, payment('p', 10_000, '2026-02-01')], '2026-03-03').oldestDaysPastDue).toBe(30);
  });
});

describe('dates and reversals', () => {
  it('counts days across a leap day', () => expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2));
  it.each(['2026-02-30', '2026-1-01', 20260101, null])('refuses date %p', (v) =>
    expect(() => calendarDate('input.dueOn', v)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'input.dueOn' }) })),
  );
  it.each([
    [{ kind: 'reversal' as const }, false, 'A reversal cannot be reversed; post the original again instead'],
    [{ kind: 'payment' as const }, true, 'This entry is already reversed'],
    [{ kind: 'charge' as const }, false, null],
  ])('reversal of %p (already reversed: %p) → %p', (entry, already, refusal) => expect(reversalRefusal(entry, already)).toBe(refusal));
});
