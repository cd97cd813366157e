import Stripe from 'stripe';
import type { Period } from '../schedule';
import { toDateString } from '../schedule';
import { idOf, splitName, str, unixToIso, type AgreementTerms, type Donor, type IntakeAction } from './types';

/** Stripe's signature tolerance: a signed timestamp older than this is refused (replay window). */
export const STRIPE_TOLERANCE_SECONDS = 300;

export interface StripeEvent {
  id: string;
  type: string;
  created: number;
  livemode: boolean;
  data: { object: Record<string, any> };
}

export type StripeRejection = 'missing_signature' | 'expired_signature' | 'invalid_signature';

/**
 * Verifies `Stripe-Signature` over the raw bytes with the endpoint secret (the SDK's check:
 * HMAC-SHA256 of `t.payload`, timestamp within 300 s either way). Returns the event or why it was refused.
 */
export async function verifyStripe(raw: Buffer, header: string | undefined, secret: string, now = Date.now()): Promise<{ event: StripeEvent } | { rejected: StripeRejection }> {
  if (!header) return { rejected: 'missing_signature' };
  // The SDK refuses only timestamps too far in the past; one far in the future would stay
  // replayable until then, so it is refused the same way (a clock skew of the tolerance is allowed).
  const t = Number(/(?:^|,)\s*t=(\d+)/.exec(header)?.[1]);
  if (Number.isFinite(t) && t * 1000 > now + STRIPE_TOLERANCE_SECONDS * 1000) return { rejected: 'expired_signature' };
  try {
    const event = (await Stripe.webhooks.constructEventAsync(raw, header, secret, STRIPE_TOLERANCE_SECONDS)) as unknown as StripeEvent;
    return { event };
  } catch (err) {
    const message = (err as Error).message ?? '';
    return { rejected: /tolerance/i.test(message) ? 'expired_signature' : 'invalid_signature' };
  }
}

/** What intake needs from Stripe's API: the customer behind a subscription or payment. */
export interface StripeClient {
  getCustomer(id: string): Promise<{ id: string; email: string | null; name: string | null }>;
}

/** Production client: the `stripe` SDK with the tenant's secret key. */
export function stripeApiClient(apiKey: string): StripeClient {
  const stripe = new Stripe(apiKey);
  return {
    async getCustomer(id) {
      const c = await stripe.customers.retrieve(id);
      if ((c as { deleted?: boolean }).deleted) return { id, email: null, name: null };
      const cu = c as Stripe.Customer;
      return { id, email: cu.email ?? null, name: cu.name ?? null };
    },
  };
}

const upper = (c: unknown) => (typeof c === 'string' ? c.toUpperCase() : c);

function donorOf(customer: unknown, email: unknown, name: unknown): Donor {
  return { customerRef: idOf(customer), email: str(email), ...splitName(name) };
}

const INTERVALS: Record<string, Period> = { week: 'WEEKLY', month: 'MONTHLY', year: 'YEARLY' };

/** A subscription's first item's price → agreement terms (quantity × unit amount). */
function subscriptionTerms(sub: Record<string, any>): AgreementTerms | null {
  const item = sub.items?.data?.[0];
  const price = item?.price ?? item?.plan;
  const recurring = price?.recurring ?? (price?.interval ? { interval: price.interval, interval_count: price.interval_count } : null);
  if (!price || !recurring) return null;
  const period = INTERVALS[recurring.interval];
  if (!period || (recurring.interval_count ?? 1) !== 1) throw new Error(`unsupported Stripe billing interval: every ${recurring.interval_count} ${recurring.interval}`);
  const unit = price.unit_amount ?? price.amount;
  const anchor = new Date((sub.billing_cycle_anchor ?? sub.start_date ?? sub.created) * 1000);
  return {
    amount: { amountMinor: typeof unit === 'number' ? unit * (item.quantity ?? 1) : unit, currency: upper(price.currency) },
    period,
    dayOfMonth: period === 'MONTHLY' ? anchor.getUTCDate() : null,
    startDate: toDateString(new Date((sub.start_date ?? sub.created) * 1000)),
    type: 'OPEN',
    instalmentsTotal: null,
  };
}

function subscriptionStatus(sub: Record<string, any>, deleted: boolean): 'ACTIVE' | 'PAUSED' | 'CLOSED' | null {
  if (deleted) return 'CLOSED';
  if (sub.pause_collection) return 'PAUSED';
  switch (sub.status) {
    case 'active':
    case 'trialing':
    case 'past_due':
      return 'ACTIVE';
    case 'paused':
      return 'PAUSED';
    case 'canceled':
    case 'unpaid':
    case 'incomplete_expired':
      return 'CLOSED';
    default:
      return null; // incomplete: the first payment has not gone through yet
  }
}

/** The subscription an invoice bills (field moved under `parent` in API 2025-03-31.basil). */
const invoiceSubscription = (inv: Record<string, any>) => idOf(inv.subscription) ?? idOf(inv.parent?.subscription_details?.subscription);
/** The PaymentIntent that paid an invoice (`payments` list since basil). */
const invoicePaymentIntent = (inv: Record<string, any>) =>
  idOf(inv.payment_intent) ?? idOf(inv.payments?.data?.find((p: any) => p?.payment?.payment_intent)?.payment?.payment_intent);

/**
 * Maps a verified Stripe event to what intake does. Subscription instalments are recorded from
 * `invoice.paid`/`invoice.payment_succeeded`; the PaymentIntent and Charge events of an invoice are
 * ignored so one payment never becomes two gifts (all carry the same PaymentIntent id).
 */
export function mapStripeEvent(event: StripeEvent): IntakeAction {
  const o = event.data?.object ?? {};
  switch (event.type) {
    case 'payment_intent.succeeded': {
      if (o.invoice) return { kind: 'IGNORE', reason: 'PaymentIntent of an invoice: recorded from invoice.paid' };
      const charge = typeof o.latest_charge === 'object' && o.latest_charge ? o.latest_charge : null;
      return {
        kind: 'PAYMENT',
        paymentRef: o.id,
        amount: { amountMinor: o.amount_received ?? o.amount, currency: upper(o.currency) },
        receivedAt: unixToIso(o.created),
        donor: donorOf(o.customer, charge?.billing_details?.email ?? o.receipt_email, charge?.billing_details?.name),
        agreementRef: null,
        paymentMethod: 'CARD',
      };
    }
    case 'charge.succeeded': {
      if (o.invoice) return { kind: 'IGNORE', reason: 'Charge of an invoice: recorded from invoice.paid' };
      return {
        kind: 'PAYMENT',
        paymentRef: idOf(o.payment_intent) ?? o.id,
        amount: { amountMinor: o.amount_captured || o.amount, currency: upper(o.currency) },
        receivedAt: unixToIso(o.created),
        donor: donorOf(o.customer, o.billing_details?.email ?? o.receipt_email, o.billing_details?.name),
        agreementRef: null,
        paymentMethod: 'CARD',
      };
    }
    case 'charge.refunded': {
      const latest = o.refunds?.data?.[0];
      return {
        kind: 'REFUND',
        paymentRef: idOf(o.payment_intent) ?? o.id,
        refundRef: latest?.id ?? `${o.id}:${o.amount_refunded}`,
        // Stripe reports the cumulative refunded amount on the charge.
        amount: { amountMinor: o.amount_refunded, currency: upper(o.currency) },
        refundedAt: unixToIso(latest?.created ?? event.created),
        reason: latest?.reason ?? null,
      };
    }
    case 'invoice.paid':
    case 'invoice.payment_succeeded': {
      if (!o.amount_paid) return { kind: 'IGNORE', reason: 'invoice paid nothing (trial or fully credited)' };
      return {
        kind: 'PAYMENT',
        paymentRef: invoicePaymentIntent(o) ?? o.id,
        amount: { amountMinor: o.amount_paid, currency: upper(o.currency) },
        receivedAt: unixToIso(o.status_transitions?.paid_at ?? o.created),
        donor: donorOf(o.customer, o.customer_email, o.customer_name),
        agreementRef: invoiceSubscription(o),
        paymentMethod: 'CARD',
      };
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const status = subscriptionStatus(o, event.type === 'customer.subscription.deleted');
      if (!status) return { kind: 'IGNORE', reason: `subscription status ${o.status}: not yet an agreement` };
      return { kind: 'AGREEMENT', agreementRef: o.id, mandateRef: null, donor: donorOf(o.customer, null, null), status, terms: subscriptionTerms(o), paymentMethod: 'CARD' };
    }
    default:
      return { kind: 'IGNORE', reason: `Stripe event type ${event.type} is not used by intake` };
  }
}
