import { goCardlessApiClient, type GoCardlessClient } from './providers/gocardless';
import { justGivingApiClient, type JustGivingClient } from './providers/justgiving';
import { paypalApiClient, paypalApiVerifier, type PayPalClient, type PayPalVerifier } from './providers/paypal';
import { stripeApiClient, type StripeClient } from './providers/stripe';

/** A tenant's credentials for one provider (never logged, never returned by the API). */
export interface ProviderAccount {
  tenantId: string;
  provider: string;
  environment: 'LIVE' | 'SANDBOX';
  webhookSecret: string | null;
  webhookId: string | null;
  apiKey: string | null;
  clientId: string | null;
  accountRef: string | null;
}

/** Third-party clients intake talks to. Production builds real ones from the tenant's account. */
export interface IntakeDeps {
  stripe(a: ProviderAccount): StripeClient;
  gocardless(a: ProviderAccount): GoCardlessClient;
  paypalVerifier(a: ProviderAccount): PayPalVerifier;
  paypal(a: ProviderAccount): PayPalClient;
  justgiving(a: ProviderAccount): JustGivingClient;
}

const need = (v: string | null, what: string) => {
  if (!v) throw new Error(`the provider account has no ${what} configured`);
  return v;
};

export const productionDeps: IntakeDeps = {
  stripe: (a) => stripeApiClient(need(a.apiKey, 'API key')),
  gocardless: (a) => goCardlessApiClient(need(a.apiKey, 'access token'), a.environment === 'SANDBOX'),
  paypalVerifier: (a) => paypalApiVerifier(need(a.clientId, 'client id'), need(a.apiKey, 'client secret'), a.environment === 'SANDBOX'),
  paypal: (a) => paypalApiClient(need(a.clientId, 'client id'), need(a.apiKey, 'client secret'), a.environment === 'SANDBOX'),
  justgiving: (a) => justGivingApiClient(need(a.apiKey, 'app id'), need(a.accountRef, 'charity id'), a.environment === 'SANDBOX'),
};

let current: IntakeDeps = productionDeps;

/** The clients in use (production unless a test replaced them). */
export const intakeDeps = (): IntakeDeps => current;

/**
 * Replaces some clients (tests: fakes speaking the providers' recorded wire format). Refused in
 * production so a stray call can never switch off PayPal signature checks. Returns a restore function.
 */
export function overrideIntakeDeps(overrides: Partial<IntakeDeps>): () => void {
  if (process.env.NODE_ENV === 'production') throw new Error('intake clients cannot be overridden in production');
  const previous = current;
  current = { ...current, ...overrides };
  return () => {
    current = previous;
  };
}
