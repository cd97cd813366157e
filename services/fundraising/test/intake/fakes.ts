// Fakes for the third parties intake talks to, serving RECORDED responses in each provider's real
// wire format (fixtures/). Our own database is never faked.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GoCardlessClient } from '../../src/modules/intake/providers/gocardless';
import type { JustGivingClient, JustGivingDonation } from '../../src/modules/intake/providers/justgiving';
import type { PayPalClient, PayPalVerifier } from '../../src/modules/intake/providers/paypal';
import type { StripeClient } from '../../src/modules/intake/providers/stripe';

const dir = join(__dirname, 'fixtures');

/** A fixture as parsed JSON (a fresh copy each time, safe to modify). */
export const fixture = <T = any>(path: string): T => JSON.parse(readFileSync(join(dir, path), 'utf8')) as T;

/** GoCardless API: `GET /payments/{id}` etc., recorded responses (`{ "payments": {…} }`) unwrapped as the SDK returns them. */
export function fakeGoCardless(extra: Record<string, unknown> = {}): GoCardlessClient & { calls: string[] } {
  const calls: string[] = [];
  const find = (resource: string) => async (id: string) => {
    calls.push(`${resource}/${id}`);
    if (extra[`${resource}.${id}`]) return extra[`${resource}.${id}`] as never;
    try {
      return fixture(`gocardless/api/${resource}.${id}.json`)[resource];
    } catch {
      // The SDK throws GoCardless' error for an unknown id.
      throw Object.assign(new Error(`Resource not found`), { code: 404, errors: [{ reason: 'resource_not_found', message: 'Resource not found' }] });
    }
  };
  return { calls, getPayment: find('payments'), getMandate: find('mandates'), getSubscription: find('subscriptions'), getCustomer: find('customers') };
}

/** Signs a GoCardless webhook body exactly as GoCardless does: hex HMAC-SHA256 of the raw body. */
export const goCardlessSignature = (body: string, secret: string) => createHmac('sha256', secret).update(body).digest('hex');

export function fakePayPal(): PayPalClient {
  return {
    getOrder: async (id) => fixture(`paypal/api/orders.${id}.json`),
    getPlan: async (id) => fixture(`paypal/api/plans.${id}.json`),
  };
}

/**
 * Stands in for PayPal's verify-webhook-signature API: "SUCCESS" only for the transmission
 * signature the test calls genuine, and only for the tenant's configured webhook id.
 */
export const GENUINE_PAYPAL_SIG = 'recorded-genuine-transmission-signature';
export function fakePayPalVerifier(): PayPalVerifier & { calls: { webhookId: string; transmissionId: string }[] } {
  const calls: { webhookId: string; transmissionId: string }[] = [];
  return {
    calls,
    async verify(t, _event, webhookId) {
      calls.push({ webhookId, transmissionId: t.transmissionId });
      return t.transmissionSig === GENUINE_PAYPAL_SIG && t.authAlgo === 'SHA256withRSA' && t.certUrl.startsWith('https://api.sandbox.paypal.com/');
    },
  };
}

export const paypalHeaders = (sig = GENUINE_PAYPAL_SIG) => ({
  'paypal-transmission-id': '69cd13f0-d67a-11e5-baa3-778b53f4ae55',
  'paypal-transmission-time': '2026-11-20T11:20:33Z',
  'paypal-transmission-sig': sig,
  'paypal-cert-url': 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270',
  'paypal-auth-algo': 'SHA256withRSA',
});

/** JustGiving API: the recorded charity donation list, and single donations from it. */
export function fakeJustGiving(donations: JustGivingDonation[] = fixture('justgiving/donations.json').donations): JustGivingClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async listDonations(since) {
      calls.push(`list ${since.toISOString()}`);
      return donations.filter((d) => Number(/\d+/.exec(d.donationDate)![0]) >= since.getTime());
    },
    async getDonation(id) {
      calls.push(`get ${id}`);
      return donations.find((d) => String(d.id) === id) ?? null;
    },
  };
}

export function fakeStripe(customers: Record<string, { email: string | null; name: string | null }> = {}): StripeClient {
  return {
    async getCustomer(id) {
      const c = customers[id];
      if (!c) throw Object.assign(new Error(`No such customer: '${id}'`), { type: 'StripeInvalidRequestError', statusCode: 404 });
      return { id, ...c };
    },
  };
}
