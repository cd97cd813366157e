import type { EntityManager } from 'typeorm';
import { badInput, idempotent, isSealed, writeAudit, type TenantSecrets } from '@commonhold/kit';
import { PROVIDERS, type Provider } from './providers/types';

type Input = Record<string, unknown> & { idempotencyKey: string };

const text = (field: string, v: unknown, max = 500): string | null | undefined => {
  if (v === undefined || v === null) return v as null | undefined;
  if (typeof v !== 'string' || !v.trim()) throw badInput(field, `${field.split('.').pop()} must not be blank`);
  if (v.trim().length > max) throw badInput(field, `${field.split('.').pop()} must be at most ${max} characters`);
  return v.trim();
};

/** What each provider needs configured, by input field. */
const REQUIRED: Record<Provider, [string, string][]> = {
  STRIPE: [['webhookSecret', 'the Stripe endpoint signing secret (whsec_…)']],
  GOCARDLESS: [['webhookSecret', 'the GoCardless webhook endpoint secret']],
  PAYPAL: [
    ['webhookId', 'the PayPal webhook id'],
    ['clientId', 'the PayPal REST client id'],
    ['apiKey', 'the PayPal REST client secret'],
  ],
  JUSTGIVING: [
    ['apiKey', 'the JustGiving app id'],
    ['accountRef', 'the JustGiving charity id'],
  ],
};

/**
 * Sets a provider's credentials for the tenant (fields not given keep their stored value); the audit
 * trail records which secrets changed, never the secrets. The caller checks the admin role.
 */
export async function configurePaymentProvider(m: EntityManager, secrets: TenantSecrets, cmd: { tenantId: string; actor: string; input: Input }): Promise<{ provider: Provider }> {
  const { tenantId, actor, input } = cmd;
  const provider = input.provider as Provider;
  if (!PROVIDERS.includes(provider)) throw badInput('input.provider', `provider must be one of ${PROVIDERS.join(', ')}`);
  await idempotent(m, tenantId, 'configurePaymentProvider', input, async () => {
    const [current] = await m.query(`SELECT * FROM payment_provider_accounts WHERE provider = $1 FOR UPDATE`, [provider]);
    const given = {
      webhookSecret: text('input.webhookSecret', input.webhookSecret),
      webhookId: text('input.webhookId', input.webhookId, 200),
      apiKey: text('input.apiKey', input.apiKey),
      clientId: text('input.clientId', input.clientId, 200),
      accountRef: text('input.accountRef', input.accountRef, 200),
    };
    if (provider === 'STRIPE' && given.webhookSecret && !given.webhookSecret.startsWith('whsec_')) {
      throw badInput('input.webhookSecret', 'a Stripe endpoint signing secret starts with whsec_');
    }
    const environment = (input.environment as string | undefined) ?? current?.environment ?? 'LIVE';
    if (environment !== 'LIVE' && environment !== 'SANDBOX') throw badInput('input.environment', 'environment must be LIVE or SANDBOX');
    const next: Record<string, string | null> = {
      webhookSecret: given.webhookSecret ?? current?.webhook_secret ?? null,
      webhookId: given.webhookId ?? current?.webhook_id ?? null,
      apiKey: given.apiKey ?? current?.api_key ?? null,
      clientId: given.clientId ?? current?.client_id ?? null,
      accountRef: given.accountRef ?? current?.account_ref ?? null,
    };
    for (const [field, what] of REQUIRED[provider]) if (!next[field]) throw badInput(`input.${field}`, `${provider} needs ${what}`);
    // Secrets are stored sealed with the tenant's data key (a value stored before sealing is sealed now).
    const sealed = async (field: 'webhookSecret' | 'apiKey', column: string): Promise<string | null> => {
      const context = `payment_provider_accounts.${column}`;
      const fresh = given[field];
      if (fresh != null) return secrets.seal(m, tenantId, fresh, context);
      const kept: string | null = current?.[column] ?? null;
      return kept === null || isSealed(kept) ? kept : secrets.seal(m, tenantId, kept, context);
    };
    await m.query(
      `INSERT INTO payment_provider_accounts (tenant_id, provider, environment, webhook_secret, webhook_id, api_key, client_id, account_ref)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (tenant_id, provider) DO UPDATE SET environment = $3, webhook_secret = $4, webhook_id = $5, api_key = $6, client_id = $7,
         account_ref = $8, updated_at = now()`,
      [tenantId, provider, environment, await sealed('webhookSecret', 'webhook_secret'), next.webhookId, await sealed('apiKey', 'api_key'), next.clientId, next.accountRef],
    );
    // Secrets never reach the audit trail: only which ones changed.
    await writeAudit(m, {
      tenantId,
      actor,
      action: 'payment-provider.configured',
      entityType: 'PaymentProviderAccount',
      entityId: provider,
      after: {
        provider,
        environment,
        webhookId: next.webhookId,
        clientId: next.clientId,
        accountRef: next.accountRef,
        webhookSecretChanged: given.webhookSecret != null,
        apiKeyChanged: given.apiKey != null,
      },
    });
    return { provider };
  });
  return { provider };
}
