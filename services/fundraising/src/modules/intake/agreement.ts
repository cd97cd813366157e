import { newEvent } from '@commonhold/kit/domain';
import { addDays, firstDueOnOrAfter, GRACE_DAYS, type AgreementState, type AgreementStatus, type AgreementType, type Period, type Schedule } from './schedule';

/** A recurring agreement's rules and views, without storage (agreement.store.ts reads and writes them). */

export const AGREEMENT_CHANGED = 'commonhold.fundraising.recurring-agreement.changed.v1';
export type AgreementChange = 'CREATED' | 'UPDATED' | 'PAUSED' | 'RESUMED' | 'LAPSED' | 'CLOSED';
export type AgreementProvider = 'MANUAL' | 'STRIPE' | 'GOCARDLESS' | 'PAYPAL' | 'JUSTGIVING';

/** A `recurring_agreements` row as pg returns it (bigint as text, dates as YYYY-MM-DD). */
export interface AgreementRow {
  id: string;
  tenant_id: string;
  contact_id: string;
  provider: AgreementProvider;
  provider_ref: string | null;
  provider_mandate_ref: string | null;
  payment_method: string;
  type: AgreementType;
  instalments_total: number | null;
  amount_minor: string | number;
  currency: string;
  period: Period;
  day_of_month: number | null;
  status: AgreementStatus;
  start_date: string;
  next_expected_date: string | null;
  missed_count: number;
  paid_count: number;
  last_paid_at: Date | null;
  closed_at: Date | null;
  provider_event_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const scheduleOf = (a: Pick<AgreementRow, 'period' | 'day_of_month' | 'start_date'>): Schedule => ({ period: a.period, dayOfMonth: a.day_of_month, startDate: a.start_date });
export const stateOf = (a: AgreementRow): AgreementState => ({
  type: a.type,
  instalmentsTotal: a.instalments_total,
  status: a.status,
  nextExpectedDate: a.next_expected_date,
  missedCount: a.missed_count,
  paidCount: a.paid_count,
});

/** The audit/event view of an agreement. */
export const snapshot = (a: AgreementRow) => ({
  contactId: a.contact_id,
  provider: a.provider,
  providerRef: a.provider_ref,
  type: a.type,
  instalmentsTotal: a.instalments_total,
  amount: { amountMinor: Number(a.amount_minor), currency: a.currency },
  period: a.period,
  dayOfMonth: a.day_of_month,
  status: a.status,
  startDate: a.start_date,
  nextExpectedDate: a.next_expected_date,
  missedCount: a.missed_count,
  paidCount: a.paid_count,
});

export const changedEvent = (a: AgreementRow, change: AgreementChange) =>
  newEvent(
    AGREEMENT_CHANGED,
    a.id,
    {
      agreementId: a.id,
      contactId: a.contact_id,
      provider: a.provider,
      status: a.status,
      change,
      amount: { amountMinor: Number(a.amount_minor), currency: a.currency },
      period: a.period,
      nextExpectedDate: a.next_expected_date,
    },
    a.id,
  );

export interface NewAgreement {
  contactId: string;
  provider: AgreementProvider;
  providerRef: string | null;
  mandateRef: string | null;
  paymentMethod: string;
  type: AgreementType;
  instalmentsTotal: number | null;
  amountMinor: number;
  currency: string;
  period: Period;
  dayOfMonth: number | null;
  startDate: string;
  status: AgreementStatus;
  providerEventAt: Date | null;
}

/**
 * The first instalment expected: the start date, or — for an agreement we learn of late — the
 * first due date within the grace period of today (never one long past, which would count as missed).
 */
export function initialNextExpected(s: Schedule, status: AgreementStatus, today: string): string | null {
  if (status === 'CLOSED') return null;
  const floor = addDays(today, -GRACE_DAYS);
  return firstDueOnOrAfter(s, s.startDate > floor ? s.startDate : floor);
}

/** Inserts an agreement and announces it (CREATED), with an audit row. */
export function changeOf(before: AgreementStatus, after: AgreementStatus): AgreementChange {
  if (before === after) return 'UPDATED';
  if (after === 'PAUSED') return 'PAUSED';
  if (after === 'LAPSED') return 'LAPSED';
  if (after === 'CLOSED') return 'CLOSED';
  return 'RESUMED';
}
