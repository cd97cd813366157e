import { badInput } from '@commonhold/kit/domain';

/**
 * Pure rules of the receivables ledger. Amounts are signed integer minor units: debits (charges,
 * debit adjustments) positive, credits (payments, credit adjustments) negative, a reversal the
 * negation of what it reverses. Dates are ISO `YYYY-MM-DD` strings (UTC calendar days).
 */

export const ENTRY_KINDS = ['charge', 'payment', 'adjustment', 'reversal'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];
export const CHARGE_TYPES = ['common_expense', 'recurring', 'one_off', 'late_fee'] as const;
export type ChargeType = (typeof CHARGE_TYPES)[number];
export const PAYMENT_METHODS = ['manual', 'bank_file', 'provider'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface LedgerEntry {
  id: string;
  /** Posting order (a database identity): ties between equal due dates go to the earlier posting. */
  seq: number;
  kind: EntryKind;
  subtype: string;
  amountMinor: number;
  bookedOn: string;
  dueOn: string | null;
  reversesId: string | null;
}

export const BUCKETS = ['notDue', 'd0_30', 'd31_60', 'd61_90', 'd90Plus'] as const;
export type Bucket = (typeof BUCKETS)[number];
export type Aging = Record<Bucket, number>;

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whole days from `from` to `to` (both `YYYY-MM-DD`). */
export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

export const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** A valid calendar date `YYYY-MM-DD` (refused naming `field` otherwise). */
export function calendarDate(field: string, value: unknown): string {
  if (typeof value !== 'string' || !DATE.test(value) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw badInput(field, `${field.split('.').pop()} must be a date YYYY-MM-DD`);
  }
  return value;
}

/**
 * The bucket of a charge by days past due `d = asOf − dueOn`: not yet due while `d ≤ 0` (a charge
 * due today is not overdue), then 0–30 for d = 1…30, 31–60, 61–90, and 90+ from d = 91.
 */
export function bucketOf(daysPastDue: number): Bucket {
  if (daysPastDue <= 0) return 'notDue';
  if (daysPastDue <= 30) return 'd0_30';
  if (daysPastDue <= 60) return 'd31_60';
  if (daysPastDue <= 90) return 'd61_90';
  return 'd90Plus';
}

/** The entries in force on `asOf`: booked by then, minus every entry reversed by then and its reversal. */
export function liveEntries(entries: readonly LedgerEntry[], asOf: string): LedgerEntry[] {
  const booked = entries.filter((e) => e.bookedOn <= asOf);
  const reversed = new Set(booked.filter((e) => e.reversesId).map((e) => e.reversesId!));
  return booked.filter((e) => e.kind !== 'reversal' && !reversed.has(e.id));
}

export interface OpenCharge {
  id: string;
  subtype: string;
  dueOn: string;
  amountMinor: number;
  paidMinor: number;
  openMinor: number;
}

export interface Allocation {
  creditId: string;
  chargeId: string;
  amountMinor: number;
}

export interface Position {
  /** What the apartment owes (negative: it is in credit). */
  balanceMinor: number;
  /** Credits not yet absorbed by any charge (a prepayment). */
  unappliedCreditMinor: number;
  charges: OpenCharge[];
  allocations: Allocation[];
  aging: Aging;
  /** Days past due of the oldest unpaid charge (0 when nothing is overdue). */
  oldestDaysPastDue: number;
}

/**
 * Allocates credits to debits, oldest first, and ages what stays open, as of `asOf`. The
 * allocation is derived, never stored: credits in posting order fill debits in order of due date
 * (then posting order), so a reversal or a back-dated charge re-allocates without editing anything.
 * The SQL in `ledger.store.ts` (`agingSql`) computes the same buckets set-based.
 */
export function position(entries: readonly LedgerEntry[], asOf: string): Position {
  const live = liveEntries(entries, asOf);
  const debits = live.filter((e) => e.amountMinor > 0).sort((a, b) => (a.dueOn! < b.dueOn! ? -1 : a.dueOn! > b.dueOn! ? 1 : a.seq - b.seq));
  const credits = live.filter((e) => e.amountMinor < 0).sort((a, b) => a.seq - b.seq);
  const charges: OpenCharge[] = debits.map((d) => ({ id: d.id, subtype: d.subtype, dueOn: d.dueOn!, amountMinor: d.amountMinor, paidMinor: 0, openMinor: d.amountMinor }));
  const allocations: Allocation[] = [];
  let i = 0;
  let unapplied = 0;
  for (const credit of credits) {
    let left = -credit.amountMinor;
    while (left > 0 && i < charges.length) {
      const c = charges[i]!;
      const take = Math.min(left, c.openMinor);
      c.paidMinor += take;
      c.openMinor -= take;
      left -= take;
      allocations.push({ creditId: credit.id, chargeId: c.id, amountMinor: take });
      if (c.openMinor === 0) i++;
    }
    unapplied += left;
  }
  const aging: Aging = { notDue: 0, d0_30: 0, d31_60: 0, d61_90: 0, d90Plus: 0 };
  let oldestDaysPastDue = 0;
  for (const c of charges) {
    if (c.openMinor === 0) continue;
    const d = daysBetween(c.dueOn, asOf);
    aging[bucketOf(d)] += c.openMinor;
    if (d > oldestDaysPastDue) oldestDaysPastDue = d;
  }
  return {
    balanceMinor: live.reduce((s, e) => s + e.amountMinor, 0),
    unappliedCreditMinor: unapplied,
    charges,
    allocations,
    aging,
    oldestDaysPastDue,
  };
}

/** The bucket a collections queue and dunning use for an apartment: that of its oldest unpaid overdue charge. */
export const worstBucket = (p: Pick<Position, 'oldestDaysPastDue'>): Bucket => bucketOf(p.oldestDaysPastDue);

/** Whether `entry` may be reversed: not a reversal itself, not already reversed. */
export function reversalRefusal(entry: Pick<LedgerEntry, 'kind'>, alreadyReversed: boolean): string | null {
  if (entry.kind === 'reversal') return 'A reversal cannot be reversed; post the original again instead';
  if (alreadyReversed) return 'This entry is already reversed';
  return null;
}
