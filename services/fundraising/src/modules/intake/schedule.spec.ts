import {
  addDays,
  applyPayment,
  applyResume,
  countMissed,
  evaluate,
  firstDueOnOrAfter,
  isValidDate,
  LAST_DAY,
  nextDueAfter,
  nextExpectedAfterPayment,
  transition,
  TransitionError,
  type AgreementAction,
  type AgreementState,
  type AgreementStatus,
  type Schedule,
} from './schedule';

const monthly = (dayOfMonth: number, startDate = '2026-01-01'): Schedule => ({ period: 'MONTHLY', dayOfMonth, startDate });

describe('nextDueAfter', () => {
  it.each<[string, Schedule, string, string]>([
    ['monthly on the 15th', monthly(15), '2026-01-15', '2026-02-15'],
    ['monthly on the 15th, mid-month', monthly(15), '2026-01-20', '2026-02-15'],
    ['monthly on the 31st → last day of February', monthly(31), '2026-01-31', '2026-02-28'],
    ['monthly on the 31st → 29 February in a leap year', monthly(31), '2028-01-31', '2028-02-29'],
    ['monthly on the 31st → 30 April', monthly(31), '2026-03-31', '2026-04-30'],
    ['monthly on the 31st returns to the 31st after February', monthly(31), '2026-02-28', '2026-03-31'],
    ['monthly on the 30th in February', monthly(30), '2026-01-30', '2026-02-28'],
    ['last day → 28 February', monthly(LAST_DAY), '2026-01-31', '2026-02-28'],
    ['last day → 29 February (leap)', monthly(LAST_DAY), '2028-01-31', '2028-02-29'],
    ['last day → 31 March', monthly(LAST_DAY), '2026-02-28', '2026-03-31'],
    ['last day → 30 April', monthly(LAST_DAY), '2026-03-31', '2026-04-30'],
    ['monthly across the year end', monthly(1), '2026-12-01', '2027-01-01'],
    ['1st and 15th: from the 1st', { period: 'FIRST_AND_FIFTEENTH', dayOfMonth: null, startDate: '2026-01-01' }, '2026-01-01', '2026-01-15'],
    ['1st and 15th: from the 15th', { period: 'FIRST_AND_FIFTEENTH', dayOfMonth: null, startDate: '2026-01-01' }, '2026-01-15', '2026-02-01'],
    ['1st and 15th: from the 20th', { period: 'FIRST_AND_FIFTEENTH', dayOfMonth: null, startDate: '2026-01-01' }, '2026-01-20', '2026-02-01'],
    ['1st and 15th: December → January', { period: 'FIRST_AND_FIFTEENTH', dayOfMonth: null, startDate: '2026-01-01' }, '2026-12-15', '2027-01-01'],
    ['weekly', { period: 'WEEKLY', dayOfMonth: null, startDate: '2026-01-05' }, '2026-01-05', '2026-01-12'],
    ['weekly, mid-week', { period: 'WEEKLY', dayOfMonth: null, startDate: '2026-01-05' }, '2026-01-07', '2026-01-12'],
    ['weekly across February in a leap year', { period: 'WEEKLY', dayOfMonth: null, startDate: '2028-02-24' }, '2028-02-24', '2028-03-02'],
    ['yearly', { period: 'YEARLY', dayOfMonth: null, startDate: '2026-03-10' }, '2026-03-10', '2027-03-10'],
    ['yearly on 29 February → 28 February', { period: 'YEARLY', dayOfMonth: null, startDate: '2028-02-29' }, '2028-02-29', '2029-02-28'],
    ['yearly on 29 February → 29 February in the next leap year', { period: 'YEARLY', dayOfMonth: null, startDate: '2028-02-29' }, '2031-02-28', '2032-02-29'],
  ])('%s', (_name, schedule, after, expected) => {
    expect(nextDueAfter(schedule, after)).toBe(expected);
  });
});

describe('firstDueOnOrAfter', () => {
  it.each<[string, Schedule, string, string]>([
    ['never before the start date', monthly(10, '2026-05-10'), '2026-01-01', '2026-05-10'],
    ['the day itself when due', monthly(10), '2026-03-10', '2026-03-10'],
    ['weekly keeps the start weekday', { period: 'WEEKLY', dayOfMonth: null, startDate: '2026-01-05' }, '2026-01-06', '2026-01-12'],
    ['monthly without a day uses the start day', { period: 'MONTHLY', dayOfMonth: null, startDate: '2026-01-20' }, '2026-02-01', '2026-02-20'],
  ])('%s', (_name, schedule, from, expected) => {
    expect(firstDueOnOrAfter(schedule, from)).toBe(expected);
  });
});

describe('countMissed', () => {
  it.each<[string, string | null, string, number]>([
    ['nothing due yet', '2026-03-01', '2026-02-20', 0],
    ['due today is within the grace period', '2026-03-01', '2026-03-01', 0],
    ['still within the grace period', '2026-03-01', '2026-03-06', 0],
    ['one missed after the grace period', '2026-03-01', '2026-03-07', 1],
    ['two missed', '2026-03-01', '2026-04-07', 2],
    ['five missed', '2026-03-01', '2026-07-10', 5],
    ['no expected date (closed)', null, '2030-01-01', 0],
  ])('%s', (_name, next, asOf, expected) => {
    expect(countMissed(monthly(1), next, asOf)).toBe(expected);
  });

  it('counts both halves of a 1st-and-15th month', () => {
    expect(countMissed({ period: 'FIRST_AND_FIFTEENTH', dayOfMonth: null, startDate: '2026-01-01' }, '2026-01-01', '2026-02-07')).toBe(3);
  });
});

describe('nextExpectedAfterPayment', () => {
  it.each<[string, string, string, string]>([
    ['paid on the due date', '2026-03-01', '2026-03-01', '2026-04-01'],
    ['paid a few days late', '2026-03-01', '2026-03-04', '2026-04-01'],
    ['paid early', '2026-03-01', '2026-02-27', '2026-04-01'],
    ['catching up after months behind', '2026-01-01', '2026-04-02', '2026-05-01'],
  ])('%s', (_name, next, paidOn, expected) => {
    expect(nextExpectedAfterPayment(monthly(1), next, paidOn)).toBe(expected);
  });
});

describe('transition', () => {
  it.each<[AgreementStatus, AgreementAction, AgreementStatus | 'error']>([
    ['ACTIVE', 'PAUSE', 'PAUSED'],
    ['PAUSED', 'RESUME', 'ACTIVE'],
    ['ACTIVE', 'LAPSE', 'LAPSED'],
    ['LAPSED', 'PAYMENT', 'ACTIVE'],
    ['LAPSED', 'RESUME', 'ACTIVE'],
    ['ACTIVE', 'CLOSE', 'CLOSED'],
    ['PAUSED', 'CLOSE', 'CLOSED'],
    ['LAPSED', 'CLOSE', 'CLOSED'],
    ['PAUSED', 'PAYMENT', 'PAUSED'],
    ['PAUSED', 'LAPSE', 'error'],
    ['CLOSED', 'RESUME', 'error'],
    ['CLOSED', 'PAUSE', 'error'],
    ['CLOSED', 'PAYMENT', 'CLOSED'],
  ])('%s + %s → %s', (from, action, to) => {
    if (to === 'error') expect(() => transition(from, action)).toThrow(TransitionError);
    else expect(transition(from, action)).toBe(to);
  });
});

const state = (over: Partial<AgreementState> = {}): AgreementState => ({
  type: 'OPEN',
  instalmentsTotal: null,
  status: 'ACTIVE',
  nextExpectedDate: '2026-03-01',
  missedCount: 0,
  paidCount: 0,
  ...over,
});

describe('applyPayment', () => {
  it('advances the expected date and resets missed instalments', () => {
    expect(applyPayment(monthly(1), state({ missedCount: 1 }), '2026-03-02')).toEqual(state({ paidCount: 1, nextExpectedDate: '2026-04-01' }));
  });
  it('re-activates a lapsed agreement', () => {
    expect(applyPayment(monthly(1), state({ status: 'LAPSED', missedCount: 3, nextExpectedDate: '2026-01-01' }), '2026-04-03')).toMatchObject({
      status: 'ACTIVE',
      missedCount: 0,
      nextExpectedDate: '2026-05-01',
    });
  });
  it('closes a FIXED agreement on its last instalment', () => {
    expect(applyPayment(monthly(1), state({ type: 'FIXED', instalmentsTotal: 3, paidCount: 2 }), '2026-03-01')).toMatchObject({
      status: 'CLOSED',
      paidCount: 3,
      nextExpectedDate: null,
    });
  });
  it('keeps a FIXED agreement open before its last instalment', () => {
    expect(applyPayment(monthly(1), state({ type: 'FIXED', instalmentsTotal: 3, paidCount: 1 }), '2026-03-01').status).toBe('ACTIVE');
  });
});

describe('evaluate', () => {
  it.each<[string, Partial<AgreementState>, string, number, Partial<AgreementState>]>([
    ['on time: nothing changes', {}, '2026-03-03', 2, { status: 'ACTIVE', missedCount: 0 }],
    ['one missed, lapse after two', {}, '2026-03-10', 2, { status: 'ACTIVE', missedCount: 1 }],
    ['two missed, lapse after two', {}, '2026-04-10', 2, { status: 'LAPSED', missedCount: 2 }],
    ['one missed, lapse after one', {}, '2026-03-10', 1, { status: 'LAPSED', missedCount: 1 }],
    ['paused agreements never lapse', { status: 'PAUSED' }, '2027-01-01', 2, { status: 'PAUSED', missedCount: 0 }],
    ['closed agreements never lapse', { status: 'CLOSED', nextExpectedDate: null }, '2027-01-01', 2, { status: 'CLOSED' }],
    ['a lapsed agreement stays lapsed and keeps counting', { status: 'LAPSED', missedCount: 2 }, '2026-06-10', 2, { status: 'LAPSED', missedCount: 4 }],
  ])('%s', (_name, over, asOf, lapseAfter, expected) => {
    expect(evaluate(monthly(1), state(over), asOf, lapseAfter)).toMatchObject(expected);
  });
});

describe('applyResume', () => {
  it('restarts the schedule from the resume date with no arrears', () => {
    expect(applyResume(monthly(1), state({ status: 'PAUSED', nextExpectedDate: '2026-01-01', missedCount: 2 }), '2026-05-20')).toMatchObject({
      status: 'ACTIVE',
      missedCount: 0,
      nextExpectedDate: '2026-06-01',
    });
  });
});

describe('dates', () => {
  it.each([
    ['2026-02-29', false],
    ['2028-02-29', true],
    ['2026-13-01', false],
    ['2026-1-01', false],
    [20260101, false],
  ])('isValidDate(%s) = %s', (v, ok) => expect(isValidDate(v)).toBe(ok));
  it('adds days across a leap day', () => expect(addDays('2028-02-28', 2)).toBe('2028-03-01'));
});
