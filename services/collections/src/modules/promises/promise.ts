import { badInput } from '@commonhold/kit/domain';

/** Pure rules of a promise to pay: one or more instalments, kept when paid in full, broken when an instalment date passes short. */

export interface Instalment {
  dueOn: string;
  amountMinor: number;
}

/** A payment counted towards a promise (posted after the promise was made). */
export interface PromisePayment {
  bookedOn: string;
  /** Positive: money received. */
  amountMinor: number;
  /** When the payment was reversed (then it no longer counts from that day), or null. */
  reversedOn: string | null;
}

export type PromiseStatus = 'active' | 'kept' | 'broken';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const MAX_INSTALMENTS = 12;

/** Validates instalments: 1–12, dates strictly increasing and not before `today`, positive integer amounts. */
export function validateInstalments(value: unknown, today: string): Instalment[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_INSTALMENTS) throw badInput('input.instalments', `instalments must list 1 to ${MAX_INSTALMENTS} dates`);
  let previous = '';
  return value.map((raw, i) => {
    const f = `input.instalments.${i}`;
    const r = (raw ?? {}) as { dueOn?: unknown; amountMinor?: unknown };
    const dueOn = r.dueOn;
    if (typeof dueOn !== 'string' || !DATE.test(dueOn) || new Date(`${dueOn}T00:00:00Z`).toISOString().slice(0, 10) !== dueOn) throw badInput(`${f}.dueOn`, 'dueOn must be a date YYYY-MM-DD');
    if (dueOn < today) throw badInput(`${f}.dueOn`, 'dueOn must not be in the past');
    if (dueOn <= previous) throw badInput(`${f}.dueOn`, 'instalment dates must increase');
    previous = dueOn;
    if (!Number.isSafeInteger(r.amountMinor) || (r.amountMinor as number) <= 0) throw badInput(`${f}.amount.amountMinor`, 'amountMinor must be a positive integer');
    return { dueOn, amountMinor: r.amountMinor as number };
  });
}

/** What has been paid towards the promise by the end of `date`. */
export function paidBy(payments: readonly PromisePayment[], date: string): number {
  return payments.filter((p) => p.bookedOn <= date && !(p.reversedOn && p.reversedOn <= date)).reduce((s, p) => s + p.amountMinor, 0);
}

/**
 * Evaluates a promise on `asOf`: kept once everything promised is paid; broken when an instalment
 * date is past (the due day itself still counts) and what was paid by then falls short of all
 * instalments due by then; otherwise still active.
 */
export function evaluatePromise(instalments: readonly Instalment[], payments: readonly PromisePayment[], asOf: string): { status: PromiseStatus; paidMinor: number; shortOn?: string } {
  const total = instalments.reduce((s, i) => s + i.amountMinor, 0);
  const paid = paidBy(payments, asOf);
  if (paid >= total) return { status: 'kept', paidMinor: paid };
  let due = 0;
  for (const i of instalments) {
    due += i.amountMinor;
    if (i.dueOn >= asOf) break;
    if (paidBy(payments, i.dueOn) < due) return { status: 'broken', paidMinor: paid, shortOn: i.dueOn };
  }
  return { status: 'active', paidMinor: paid };
}
