import type { Period } from '../schedule';

export type Provider = 'STRIPE' | 'GOCARDLESS' | 'PAYPAL' | 'JUSTGIVING';
export const PROVIDERS: readonly Provider[] = ['STRIPE', 'GOCARDLESS', 'PAYPAL', 'JUSTGIVING'];
export type IntakePaymentMethod = 'CARD' | 'DIRECT_DEBIT' | 'PAYPAL' | 'JUSTGIVING';

/** What a provider tells us about the payer; any part may be missing. */
export interface Donor {
  /** The provider's customer id (Stripe `cus_…`, GoCardless `CU…`, PayPal payer id). */
  customerRef?: string | null;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  /** A company paying (GoCardless `company_name`): becomes an ORGANISATION contact. */
  organisationName?: string | null;
}

export interface RawMoney {
  amountMinor: unknown;
  currency: unknown;
}

export interface AgreementTerms {
  amount: RawMoney;
  period: Period;
  /** MONTHLY: 1-31 or -1 (last day). */
  dayOfMonth: number | null;
  startDate: string;
  type: 'OPEN' | 'FIXED';
  instalmentsTotal: number | null;
}

/** One provider event, reduced to what intake does with it. */
export type IntakeAction =
  | {
      kind: 'PAYMENT';
      /** The provider's payment id: a gift's `externalRef`; one gift per payment. */
      paymentRef: string;
      amount: RawMoney;
      /** ISO 8601 instant. */
      receivedAt: string;
      donor: Donor;
      /** Subscription/agreement id for an instalment; null for a one-off gift. */
      agreementRef: string | null;
      paymentMethod: IntakePaymentMethod;
    }
  | { kind: 'REFUND'; paymentRef: string; refundRef: string; amount: RawMoney; refundedAt: string; reason: string | null }
  | {
      kind: 'AGREEMENT';
      agreementRef: string;
      mandateRef: string | null;
      donor: Donor;
      status: 'ACTIVE' | 'PAUSED' | 'CLOSED';
      terms: AgreementTerms | null;
      paymentMethod: IntakePaymentMethod;
    }
  /** GoCardless: a mandate ended, so every agreement collected under it closes. */
  | { kind: 'MANDATE_ENDED'; mandateRef: string }
  | { kind: 'IGNORE'; reason: string };

/** A processing error that says what is wrong with the event (stored on the FAILED row). */
export class IntakeError extends Error {
  constructor(message: string, readonly waitingRef: string | null = null) {
    super(message);
    this.name = 'IntakeError';
  }
}

const exponent = (currency: string) => {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
};

/** "10.50" GBP → 1050 minor units, exactly (no floats); NaN when the text is not a plain decimal. */
export function decimalToMinor(value: unknown, currency: string): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') return Number.NaN;
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return Number.NaN;
  const exp = exponent(currency);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > exp) return Number.NaN;
  return Number(m[1]) * 10 ** exp + Number((frac + '0'.repeat(exp)).slice(0, exp) || '0');
}

/** "Jane Q Doe" → first "Jane Q", last "Doe"; a single word is a last name. */
export function splitName(full: unknown): { firstName: string | null; lastName: string | null } {
  if (typeof full !== 'string' || !full.trim()) return { firstName: null, lastName: null };
  const parts = full.trim().split(/\s+/);
  const lastName = parts.pop()!;
  return { firstName: parts.length ? parts.join(' ') : null, lastName };
}

export const unixToIso = (s: unknown) => (typeof s === 'number' && Number.isFinite(s) ? new Date(s * 1000).toISOString() : '');
export const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
/** Stripe's expandable fields are an id or the expanded object. */
export const idOf = (v: unknown): string | null => (typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' ? (v as { id: string }).id : null);
