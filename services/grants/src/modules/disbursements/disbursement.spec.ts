import { checkDisbursementMove, checkPaidOn, checkSchedulable, fullyDisbursed, remaining, unscheduled, type DisbursementStatus, type Totals } from './disbursement';

const totals = (o: Partial<Totals> = {}): Totals => ({ awardedMinor: 100_000, disbursedMinor: 0, cancelledMinor: 0, openMinor: 0, ...o });
const err = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    return (e as { extensions: Record<string, unknown> }).extensions;
  }
  return undefined;
};

describe('remaining = awarded − disbursed − cancelled (OFM)', () => {
  it.each([
    [totals(), 100_000],
    [totals({ disbursedMinor: 40_000 }), 60_000],
    [totals({ disbursedMinor: 40_000, cancelledMinor: 10_000 }), 50_000],
    [totals({ disbursedMinor: 40_000, openMinor: 60_000 }), 60_000],
    [totals({ disbursedMinor: 100_000 }), 0],
    // Never negative, even from inconsistent sums.
    [totals({ disbursedMinor: 90_000, cancelledMinor: 20_000 }), 0],
    [totals({ awardedMinor: 0 }), 0],
  ])('%p → %p', (t, r) => expect(remaining(t)).toBe(r));

  it('unscheduled is what remains less what is scheduled and unpaid', () => {
    expect(unscheduled(totals({ disbursedMinor: 40_000, openMinor: 50_000 }))).toBe(10_000);
    expect(unscheduled(totals({ openMinor: 120_000 }))).toBe(0);
  });
});

describe('checkSchedulable', () => {
  it('schedules up to the unscheduled amount, not a penny more', () => {
    expect(() => checkSchedulable(totals({ openMinor: 60_000 }), 40_000)).not.toThrow();
    expect(err(() => checkSchedulable(totals({ openMinor: 60_000 }), 40_001))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount.amountMinor' });
    expect(err(() => checkSchedulable(totals({ disbursedMinor: 50_000, cancelledMinor: 50_000 }), 1))).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('fullyDisbursed', () => {
  it.each([
    [totals({ disbursedMinor: 100_000 }), true],
    [totals({ disbursedMinor: 70_000, cancelledMinor: 30_000 }), true],
    [totals({ disbursedMinor: 70_000, openMinor: 30_000 }), false],
    [totals({ disbursedMinor: 70_000 }), false],
    [totals({ awardedMinor: 0 }), false],
  ])('%p → %p', (t, full) => expect(fullyDisbursed(t)).toBe(full));
});

describe('checkDisbursementMove (Scheduled → Pending Approval → Approved → Paid; Cancelled)', () => {
  it.each<[DisbursementStatus, DisbursementStatus]>([
    ['SCHEDULED', 'PENDING_APPROVAL'],
    ['PENDING_APPROVAL', 'APPROVED'],
    ['PENDING_APPROVAL', 'SCHEDULED'],
    ['APPROVED', 'PAID'],
    ['SCHEDULED', 'CANCELLED'],
    ['PENDING_APPROVAL', 'CANCELLED'],
    ['APPROVED', 'CANCELLED'],
  ])('allows %s → %s', (from, to) => expect(() => checkDisbursementMove(from, to)).not.toThrow());
  it.each<[DisbursementStatus, DisbursementStatus]>([
    ['SCHEDULED', 'PAID'],
    ['SCHEDULED', 'APPROVED'],
    ['PENDING_APPROVAL', 'PAID'],
    ['PAID', 'CANCELLED'],
    ['PAID', 'PAID'],
    ['CANCELLED', 'SCHEDULED'],
  ])('refuses %s → %s', (from, to) => expect(err(() => checkDisbursementMove(from, to))).toMatchObject({ code: 'CONFLICT', field: 'input.disbursementId' }));
});

describe('checkPaidOn', () => {
  it('refuses a payment dated in the future', () => {
    expect(() => checkPaidOn('2026-12-06', '2026-12-06')).not.toThrow();
    expect(err(() => checkPaidOn('2026-12-07', '2026-12-06'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.paidOn' });
  });
});
