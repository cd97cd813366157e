import type * as GcIndex from 'gocardless-nodejs' with { 'resolution-mode': 'import' };
import type * as GcConstants from 'gocardless-nodejs/constants' with { 'resolution-mode': 'import' };
import type * as GcWebhooks from 'gocardless-nodejs/webhooks' with { 'resolution-mode': 'import' };
import type { Period } from '../schedule';
import { str, type AgreementTerms, type Donor, type IntakeAction } from './types';

// The SDK ships as an ES module with CommonJS builds behind its `require` export condition; this
// service compiles to CommonJS, so the runtime values come through require() with the SDK's types.
// Its webhook helper is plain CommonJS (node:crypto only); its API client pulls in ESM-only
// dependencies (uuid), so it is loaded on first use only (Node ≥ 20.19 requires ESM natively).
const { InvalidSignatureError, parse } = require('gocardless-nodejs/webhooks') as typeof GcWebhooks;
const loadSdk = () => ({
  gocardless: (require('gocardless-nodejs') as typeof GcIndex).gocardless,
  Environments: (require('gocardless-nodejs/constants') as typeof GcConstants).Environments,
});

/** GoCardless sends at most this many events in one webhook. */
export const GOCARDLESS_MAX_BATCH = 250;
/** GoCardless' convention for a webhook whose signature does not verify ("invalid token"). */
export const GOCARDLESS_BAD_SIGNATURE_STATUS = 498;

export interface GoCardlessEvent {
  id: string;
  created_at: string;
  resource_type: string;
  action: string;
  links: Record<string, string | undefined>;
  details?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** Verifies `Webhook-Signature` (hex HMAC-SHA256 of the raw body) with the SDK; null when it fails. */
export function verifyGoCardless(raw: Buffer, header: string | undefined, secret: string): GoCardlessEvent[] | null {
  if (!header || !/^[0-9a-f]+$/i.test(header)) return null;
  try {
    return parse(raw, secret, header) as unknown as GoCardlessEvent[];
  } catch (err) {
    if (err instanceof (InvalidSignatureError as unknown as new () => Error)) return null;
    throw err;
  }
}

/** GoCardless API resources as the API returns them (the fields intake reads). */
export interface GcPayment {
  id: string;
  amount: number;
  currency: string;
  charge_date: string;
  status: string;
  links: { mandate: string; subscription?: string; creditor?: string };
}
export interface GcMandate {
  id: string;
  status: string;
  links: { customer: string; creditor?: string; customer_bank_account?: string };
}
export interface GcSubscription {
  id: string;
  amount: number;
  currency: string;
  status: string;
  interval: number;
  interval_unit: 'weekly' | 'monthly' | 'yearly';
  day_of_month: number | null;
  month: string | null;
  start_date: string;
  count: number | null;
  links: { mandate: string };
}
export interface GcCustomer {
  id: string;
  email: string | null;
  given_name: string | null;
  family_name: string | null;
  company_name: string | null;
}

/** Webhooks carry ids, not amounts: intake reads the resources through this. */
export interface GoCardlessClient {
  getPayment(id: string): Promise<GcPayment>;
  getMandate(id: string): Promise<GcMandate>;
  getSubscription(id: string): Promise<GcSubscription>;
  getCustomer(id: string): Promise<GcCustomer>;
}

/** Production client: `gocardless-nodejs` with the tenant's access token. */
export function goCardlessApiClient(accessToken: string, sandbox: boolean): GoCardlessClient {
  const { gocardless, Environments } = loadSdk();
  const client = gocardless(accessToken, sandbox ? Environments.Sandbox : Environments.Live);
  return {
    getPayment: async (id) => (await client.payments.find(id)) as unknown as GcPayment,
    getMandate: async (id) => (await client.mandates.find(id)) as unknown as GcMandate,
    getSubscription: async (id) => (await client.subscriptions.find(id)) as unknown as GcSubscription,
    getCustomer: async (id) => (await client.customers.find(id)) as unknown as GcCustomer,
  };
}

const UNITS: Record<string, Period> = { weekly: 'WEEKLY', monthly: 'MONTHLY', yearly: 'YEARLY' };

function subscriptionTerms(s: GcSubscription): AgreementTerms {
  const period = UNITS[s.interval_unit];
  if (!period || s.interval !== 1) throw new Error(`unsupported GoCardless interval: every ${s.interval} ${s.interval_unit}`);
  return {
    amount: { amountMinor: s.amount, currency: s.currency },
    period,
    dayOfMonth: period === 'MONTHLY' ? (s.day_of_month ?? Number(s.start_date.slice(8, 10))) : null,
    startDate: s.start_date,
    type: s.count ? 'FIXED' : 'OPEN',
    instalmentsTotal: s.count ?? null,
  };
}

async function donorOfMandate(client: GoCardlessClient, customerRef: string | undefined, mandateId: string): Promise<Donor> {
  const customerId = customerRef ?? (await client.getMandate(mandateId)).links.customer;
  const c = await client.getCustomer(customerId);
  return { customerRef: c.id, email: str(c.email), firstName: str(c.given_name), lastName: str(c.family_name), organisationName: str(c.company_name) };
}

const SUBSCRIPTION_STATUS: Record<string, 'ACTIVE' | 'PAUSED' | 'CLOSED'> = { active: 'ACTIVE', paused: 'PAUSED', cancelled: 'CLOSED', finished: 'CLOSED' };

/** Maps one GoCardless event, reading the resources it names through the API client. */
export async function mapGoCardlessEvent(e: GoCardlessEvent, client: GoCardlessClient): Promise<IntakeAction> {
  if (e.resource_type === 'payments') {
    if (e.action !== 'confirmed' && e.action !== 'paid_out') return { kind: 'IGNORE', reason: `payment ${e.action}: only confirmed payments become gifts` };
    const p = await client.getPayment(e.links.payment!);
    return {
      kind: 'PAYMENT',
      paymentRef: p.id,
      amount: { amountMinor: p.amount, currency: p.currency },
      receivedAt: /^\d{4}-\d{2}-\d{2}$/.test(p.charge_date) ? `${p.charge_date}T00:00:00.000Z` : '',
      // An instalment's donor is its agreement's contact; a one-off payment's is the mandate's customer.
      donor: p.links.subscription ? {} : await donorOfMandate(client, e.links.customer, p.links.mandate),
      agreementRef: p.links.subscription ?? null,
      paymentMethod: 'DIRECT_DEBIT',
    };
  }
  if (e.resource_type === 'subscriptions') {
    const s = await client.getSubscription(e.links.subscription!);
    const status = SUBSCRIPTION_STATUS[s.status];
    if (!status) return { kind: 'IGNORE', reason: `subscription ${s.status}: not an agreement yet` };
    return {
      kind: 'AGREEMENT',
      agreementRef: s.id,
      mandateRef: s.links.mandate,
      donor: await donorOfMandate(client, e.links.customer, s.links.mandate),
      status,
      terms: subscriptionTerms(s),
      paymentMethod: 'DIRECT_DEBIT',
    };
  }
  if (e.resource_type === 'mandates') {
    if (['cancelled', 'expired', 'failed', 'blocked', 'consumed'].includes(e.action)) return { kind: 'MANDATE_ENDED', mandateRef: e.links.mandate! };
    return { kind: 'IGNORE', reason: `mandate ${e.action}: agreements follow subscriptions` };
  }
  return { kind: 'IGNORE', reason: `GoCardless ${e.resource_type} events are not used by intake` };
}
