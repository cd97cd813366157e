import type { Period } from '../schedule';
import { decimalToMinor, str, type AgreementTerms, type IntakeAction } from './types';

/** The transmission headers PayPal signs a webhook with. */
export interface PayPalTransmission {
  transmissionId: string;
  transmissionTime: string;
  transmissionSig: string;
  certUrl: string;
  authAlgo: string;
}

export const PAYPAL_HEADERS = {
  transmissionId: 'paypal-transmission-id',
  transmissionTime: 'paypal-transmission-time',
  transmissionSig: 'paypal-transmission-sig',
  certUrl: 'paypal-cert-url',
  authAlgo: 'paypal-auth-algo',
} as const;

/** Verifies a webhook's signature; production asks PayPal, tests use a fake. */
export interface PayPalVerifier {
  verify(t: PayPalTransmission, webhookEvent: unknown, webhookId: string): Promise<boolean>;
}

export interface PayPalEvent {
  id: string;
  event_type: string;
  create_time: string;
  resource_type?: string;
  resource: Record<string, any>;
}

export interface PayPalOrder {
  id: string;
  payer?: { payer_id?: string; email_address?: string; name?: { given_name?: string; surname?: string } };
}
export interface PayPalPlan {
  id: string;
  billing_cycles: { tenure_type: 'REGULAR' | 'TRIAL'; total_cycles: number; frequency: { interval_unit: string; interval_count: number }; pricing_scheme?: { fixed_price?: { value: string; currency_code: string } } }[];
}

/** The REST calls intake needs: the order behind a capture (for the payer), a subscription's plan. */
export interface PayPalClient {
  getOrder(id: string): Promise<PayPalOrder>;
  getPlan(id: string): Promise<PayPalPlan>;
}

export const paypalBaseUrl = (sandbox: boolean) => (sandbox ? 'https://api-m.sandbox.paypal.com' : 'https://api-m.paypal.com');

/** OAuth2 client-credentials token for PayPal's REST API. */
async function accessToken(base: string, clientId: string, secret: string): Promise<string> {
  const res = await fetch(`${base}/v1/oauth2/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`PayPal OAuth failed with HTTP ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Production verifier: PayPal's `POST /v1/notifications/verify-webhook-signature`. */
export function paypalApiVerifier(clientId: string, secret: string, sandbox: boolean): PayPalVerifier {
  const base = paypalBaseUrl(sandbox);
  return {
    async verify(t, webhookEvent, webhookId) {
      const token = await accessToken(base, clientId, secret);
      const res = await fetch(`${base}/v1/notifications/verify-webhook-signature`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          auth_algo: t.authAlgo,
          cert_url: t.certUrl,
          transmission_id: t.transmissionId,
          transmission_sig: t.transmissionSig,
          transmission_time: t.transmissionTime,
          webhook_id: webhookId,
          webhook_event: webhookEvent,
        }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) return false;
      return ((await res.json()) as { verification_status?: string }).verification_status === 'SUCCESS';
    },
  };
}

/** Production REST client with the tenant's client id and secret. */
export function paypalApiClient(clientId: string, secret: string, sandbox: boolean): PayPalClient {
  const base = paypalBaseUrl(sandbox);
  const get = async <T>(path: string): Promise<T> => {
    const token = await accessToken(base, clientId, secret);
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`PayPal GET ${path.split('/').slice(0, 4).join('/')} failed with HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  return {
    getOrder: (id) => get(`/v2/checkout/orders/${encodeURIComponent(id)}`),
    getPlan: (id) => get(`/v1/billing/plans/${encodeURIComponent(id)}`),
  };
}

const UNITS: Record<string, Period> = { WEEK: 'WEEKLY', MONTH: 'MONTHLY', YEAR: 'YEARLY' };

function planTerms(plan: PayPalPlan, sub: Record<string, any>): AgreementTerms {
  const cycle = plan.billing_cycles.find((c) => c.tenure_type === 'REGULAR');
  if (!cycle) throw new Error(`PayPal plan ${plan.id} has no regular billing cycle`);
  const period = UNITS[cycle.frequency.interval_unit];
  if (!period || cycle.frequency.interval_count !== 1) throw new Error(`unsupported PayPal interval: every ${cycle.frequency.interval_count} ${cycle.frequency.interval_unit}`);
  const price = sub.plan_overridden && sub.plan?.billing_cycles ? sub.plan.billing_cycles[0]?.pricing_scheme?.fixed_price : cycle.pricing_scheme?.fixed_price;
  const currency = price?.currency_code ?? '';
  const quantity = Number(sub.quantity ?? 1) || 1;
  const start = String(sub.start_time ?? sub.create_time ?? '').slice(0, 10);
  return {
    amount: { amountMinor: decimalToMinor(price?.value, currency) * quantity, currency },
    period,
    dayOfMonth: period === 'MONTHLY' ? Number(start.slice(8, 10)) : null,
    startDate: start,
    type: cycle.total_cycles > 0 ? 'FIXED' : 'OPEN',
    instalmentsTotal: cycle.total_cycles > 0 ? cycle.total_cycles : null,
  };
}

const SUBSCRIPTION_EVENTS: Record<string, 'ACTIVE' | 'PAUSED' | 'CLOSED'> = {
  'BILLING.SUBSCRIPTION.ACTIVATED': 'ACTIVE',
  'BILLING.SUBSCRIPTION.RE-ACTIVATED': 'ACTIVE',
  'BILLING.SUBSCRIPTION.UPDATED': 'ACTIVE',
  'BILLING.SUBSCRIPTION.SUSPENDED': 'PAUSED',
  'BILLING.SUBSCRIPTION.CANCELLED': 'CLOSED',
  'BILLING.SUBSCRIPTION.EXPIRED': 'CLOSED',
};
const SUBSCRIPTION_STATUS: Record<string, 'ACTIVE' | 'PAUSED' | 'CLOSED'> = { ACTIVE: 'ACTIVE', SUSPENDED: 'PAUSED', CANCELLED: 'CLOSED', EXPIRED: 'CLOSED' };

/** Maps a verified PayPal event; captures are paid orders, sales are subscription instalments. */
export async function mapPayPalEvent(e: PayPalEvent, client: PayPalClient): Promise<IntakeAction> {
  const r = e.resource ?? {};
  switch (e.event_type) {
    case 'PAYMENT.CAPTURE.COMPLETED': {
      const orderId = r.supplementary_data?.related_ids?.order_id;
      const payer = orderId ? (await client.getOrder(orderId)).payer : undefined;
      const currency = r.amount?.currency_code ?? '';
      return {
        kind: 'PAYMENT',
        paymentRef: r.id,
        amount: { amountMinor: decimalToMinor(r.amount?.value, currency), currency },
        receivedAt: r.create_time ?? e.create_time,
        donor: { customerRef: str(payer?.payer_id), email: str(payer?.email_address), firstName: str(payer?.name?.given_name), lastName: str(payer?.name?.surname) },
        agreementRef: null,
        paymentMethod: 'PAYPAL',
      };
    }
    case 'PAYMENT.SALE.COMPLETED': {
      if (!r.billing_agreement_id) return { kind: 'IGNORE', reason: 'a sale without a subscription carries no payer: use PayPal Checkout (captures)' };
      const currency = r.amount?.currency ?? '';
      return {
        kind: 'PAYMENT',
        paymentRef: r.id,
        amount: { amountMinor: decimalToMinor(r.amount?.total, currency), currency },
        receivedAt: r.create_time ?? e.create_time,
        donor: {},
        agreementRef: r.billing_agreement_id,
        paymentMethod: 'PAYPAL',
      };
    }
    case 'PAYMENT.CAPTURE.REFUNDED': {
      const up = (r.links ?? []).find((l: { rel?: string; href?: string }) => l.rel === 'up')?.href as string | undefined;
      const captureId = up?.split('/').pop();
      const currency = r.amount?.currency_code ?? '';
      if (!captureId) return { kind: 'IGNORE', reason: 'refund without a link to its capture' };
      return { kind: 'REFUND', paymentRef: captureId, refundRef: r.id, amount: { amountMinor: decimalToMinor(r.amount?.value, currency), currency }, refundedAt: r.create_time ?? e.create_time, reason: str(r.note_to_payer) };
    }
    default: {
      const byEvent = SUBSCRIPTION_EVENTS[e.event_type];
      if (!byEvent) return { kind: 'IGNORE', reason: `PayPal event type ${e.event_type} is not used by intake` };
      const status = SUBSCRIPTION_STATUS[r.status] ?? byEvent;
      const s = r.subscriber ?? {};
      return {
        kind: 'AGREEMENT',
        agreementRef: r.id,
        mandateRef: null,
        donor: { customerRef: str(s.payer_id), email: str(s.email_address), firstName: str(s.name?.given_name), lastName: str(s.name?.surname) },
        status,
        terms: r.plan_id ? planTerms(await client.getPlan(r.plan_id), r) : null,
        paymentMethod: 'PAYPAL',
      };
    }
  }
}
