/**
 * Recurring-agreement schedules and status rules: pure functions over calendar dates
 * (`YYYY-MM-DD` strings, UTC). No I/O here; the store and the evaluators call these.
 */

export type Period = 'WEEKLY' | 'MONTHLY' | 'YEARLY' | 'FIRST_AND_FIFTEENTH';
export type AgreementStatus = 'ACTIVE' | 'PAUSED' | 'LAPSED' | 'CLOSED';
export type AgreementType = 'OPEN' | 'FIXED';
export const PERIODS: readonly Period[] = ['WEEKLY', 'MONTHLY', 'YEARLY', 'FIRST_AND_FIFTEENTH'];
export const STATUSES: readonly AgreementStatus[] = ['ACTIVE', 'PAUSED', 'LAPSED', 'CLOSED'];

/** `dayOfMonth` -1 means "the last day of the month". */
export const LAST_DAY = -1;

export interface Schedule {
  period: Period;
  /** MONTHLY: 1-31 (clamped to the month's length) or -1 (last day). Ignored otherwise. */
  dayOfMonth: number | null;
  /** The first instalment's date; WEEKLY repeats its weekday, YEARLY its month and day. */
  startDate: string;
}

/** Days an instalment may arrive after its due date before it counts as missed (bank/DD lag). */
export const GRACE_DAYS = 5;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseDate(s: string): { y: number; m: number; d: number } {
  const r = DATE.exec(s);
  if (!r) throw new Error(`not a calendar date: ${s}`);
  return { y: Number(r[1]), m: Number(r[2]), d: Number(r[3]) };
}

export const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const fmt = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const toUtc = (s: string) => {
  const { y, m, d } = parseDate(s);
  return Date.UTC(y, m - 1, d);
};
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const addDays = (s: string, n: number) => fromUtc(toUtc(s) + n * 86_400_000);
export const isValidDate = (s: unknown): s is string => {
  if (typeof s !== 'string' || !DATE.test(s)) return false;
  const { y, m, d } = parseDate(s);
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
};
export const toDateString = (d: Date) => d.toISOString().slice(0, 10);

/** The day an instalment falls on in month (y, m) for a monthly day (clamped; -1 = last day). */
function monthlyDay(y: number, m: number, dayOfMonth: number): number {
  const last = daysInMonth(y, m);
  return dayOfMonth === LAST_DAY ? last : Math.min(dayOfMonth, last);
}

/** Due dates of one month (ascending) for a schedule; WEEKLY is handled separately. */
function dueDatesInMonth(s: Schedule, y: number, m: number): string[] {
  switch (s.period) {
    case 'MONTHLY':
      return [fmt(y, m, monthlyDay(y, m, s.dayOfMonth ?? parseDate(s.startDate).d))];
    case 'FIRST_AND_FIFTEENTH':
      return [fmt(y, m, 1), fmt(y, m, 15)];
    case 'YEARLY': {
      const start = parseDate(s.startDate);
      // 29 February falls on 28 February in other years.
      return m === start.m ? [fmt(y, m, Math.min(start.d, daysInMonth(y, m)))] : [];
    }
    default:
      return [];
  }
}

/** The first due date on or after `from` (never before the schedule's start date). */
export function firstDueOnOrAfter(s: Schedule, from: string): string {
  const floor = from < s.startDate ? s.startDate : from;
  if (s.period === 'WEEKLY') {
    const diff = Math.round((toUtc(floor) - toUtc(s.startDate)) / 86_400_000);
    return addDays(s.startDate, Math.ceil(diff / 7) * 7);
  }
  let { y, m } = parseDate(floor);
  for (let i = 0; i < 13 * 12; i++) {
    for (const d of dueDatesInMonth(s, y, m)) if (d >= floor) return d;
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  throw new Error('no due date found'); // unreachable for valid schedules
}

/** The first due date strictly after `date`. */
export const nextDueAfter = (s: Schedule, date: string) => firstDueOnOrAfter(s, addDays(date, 1));

/**
 * Instalments missed as of `asOf`: due dates from `nextExpected` on whose grace period has ended
 * (due + GRACE_DAYS < asOf). Capped at `cap` (the evaluator only needs to know "enough to lapse").
 */
export function countMissed(s: Schedule, nextExpected: string | null, asOf: string, graceDays = GRACE_DAYS, cap = 1000): number {
  if (!nextExpected) return 0;
  let n = 0;
  let due = nextExpected;
  while (n < cap && addDays(due, graceDays) < asOf) {
    n += 1;
    due = nextDueAfter(s, due);
  }
  return n;
}

/** After an instalment paid on `paidOn`: the next due date (catching up if the donor was behind). */
export function nextExpectedAfterPayment(s: Schedule, nextExpected: string | null, paidOn: string): string {
  const base = nextExpected && nextExpected > paidOn ? nextExpected : paidOn;
  return nextDueAfter(s, base);
}

export type AgreementAction = 'PAUSE' | 'RESUME' | 'CLOSE' | 'LAPSE' | 'PAYMENT';

export class TransitionError extends Error {
  constructor(readonly from: AgreementStatus, readonly action: AgreementAction) {
    super(`A ${from.toLowerCase()} agreement cannot ${action === 'PAYMENT' ? 'take a payment' : action.toLowerCase()}`);
  }
}

/**
 * Status transitions. ACTIVE ⇄ PAUSED; ACTIVE → LAPSED (missed instalments); a payment or a resume
 * re-activates a LAPSED agreement; anything but CLOSED may close; CLOSED is final (a late payment
 * on a closed agreement is still recorded as a gift but leaves it CLOSED).
 */
export function transition(from: AgreementStatus, action: AgreementAction): AgreementStatus {
  const table: Record<AgreementStatus, Partial<Record<AgreementAction, AgreementStatus>>> = {
    ACTIVE: { PAUSE: 'PAUSED', RESUME: 'ACTIVE', CLOSE: 'CLOSED', LAPSE: 'LAPSED', PAYMENT: 'ACTIVE' },
    PAUSED: { PAUSE: 'PAUSED', RESUME: 'ACTIVE', CLOSE: 'CLOSED', PAYMENT: 'PAUSED' },
    LAPSED: { PAUSE: 'PAUSED', RESUME: 'ACTIVE', CLOSE: 'CLOSED', LAPSE: 'LAPSED', PAYMENT: 'ACTIVE' },
    CLOSED: { CLOSE: 'CLOSED', PAYMENT: 'CLOSED' },
  };
  const to = table[from][action];
  if (!to) throw new TransitionError(from, action);
  return to;
}

export interface AgreementState {
  type: AgreementType;
  instalmentsTotal: number | null;
  status: AgreementStatus;
  nextExpectedDate: string | null;
  missedCount: number;
  paidCount: number;
}

/** The agreement after one instalment paid on `paidOn`. A FIXED agreement closes on its last. */
export function applyPayment(s: Schedule, a: AgreementState, paidOn: string): AgreementState {
  const paidCount = a.paidCount + 1;
  let status = transition(a.status, 'PAYMENT');
  if (a.type === 'FIXED' && a.instalmentsTotal != null && paidCount >= a.instalmentsTotal) status = 'CLOSED';
  const nextExpectedDate = status === 'CLOSED' ? null : status === 'PAUSED' ? a.nextExpectedDate : nextExpectedAfterPayment(s, a.nextExpectedDate, paidOn);
  return { ...a, status, paidCount, missedCount: 0, nextExpectedDate };
}

/** The agreement as of `asOf`: its missed count, and LAPSED once `lapseAfter` are missed. */
export function evaluate(s: Schedule, a: AgreementState, asOf: string, lapseAfter: number, graceDays = GRACE_DAYS): AgreementState {
  if (a.status !== 'ACTIVE' && a.status !== 'LAPSED') return a;
  const missedCount = countMissed(s, a.nextExpectedDate, asOf, graceDays);
  const status = a.status === 'ACTIVE' && missedCount >= lapseAfter ? transition(a.status, 'LAPSE') : a.status;
  return { ...a, missedCount, status };
}

/** Resuming starts the schedule again from `today`: no arrears carried over. */
export function applyResume(s: Schedule, a: AgreementState, today: string): AgreementState {
  return { ...a, status: transition(a.status, 'RESUME'), missedCount: 0, nextExpectedDate: firstDueOnOrAfter(s, today) };
}
