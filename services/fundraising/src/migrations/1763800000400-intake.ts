import { sqlMigration, tenantRlsSql } from '@commonhold/kit';

/**
 * Recurring agreements and provider intake (issue 3): per-tenant payment-provider accounts, the
 * inbox of raw provider events (one row per provider event id: a replay changes nothing), provider
 * customer → contact links, and recurring agreements. See docs/fundraising/provider-intake.md.
 */
export const Intake1763800000400 = sqlMigration(
  'Intake1763800000400',
  [
    `CREATE TABLE payment_provider_accounts (
      tenant_id text NOT NULL,
      provider text NOT NULL CHECK (provider IN ('STRIPE', 'GOCARDLESS', 'PAYPAL', 'JUSTGIVING')),
      environment text NOT NULL DEFAULT 'LIVE' CHECK (environment IN ('LIVE', 'SANDBOX')),
      webhook_secret text,
      webhook_id text,
      api_key text,
      client_id text,
      account_ref text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, provider)
    )`,
    ...tenantRlsSql('payment_provider_accounts'),

    `CREATE TABLE provider_events (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      provider text NOT NULL CHECK (provider IN ('STRIPE', 'GOCARDLESS', 'PAYPAL', 'JUSTGIVING')),
      provider_event_id text NOT NULL,
      event_type text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      payload jsonb NOT NULL,
      status text NOT NULL DEFAULT 'STAGED' CHECK (status IN ('STAGED', 'PROCESSED', 'FAILED', 'IGNORED')),
      error text,
      attempts int NOT NULL DEFAULT 0,
      payment_ref text,
      waiting_ref text,
      contact_id uuid,
      gift_id uuid,
      agreement_id uuid,
      processed_at timestamptz,
      UNIQUE (tenant_id, provider, provider_event_id)
    )`,
    `CREATE INDEX provider_events_page ON provider_events (tenant_id, received_at DESC, id DESC)`,
    `CREATE INDEX provider_events_status ON provider_events (tenant_id, status, received_at DESC, id DESC)`,
    `CREATE INDEX provider_events_payment ON provider_events (tenant_id, provider, payment_ref) WHERE payment_ref IS NOT NULL`,
    `CREATE INDEX provider_events_waiting ON provider_events (tenant_id, provider, waiting_ref) WHERE waiting_ref IS NOT NULL`,
    ...tenantRlsSql('provider_events'),

    `CREATE TABLE provider_customers (
      tenant_id text NOT NULL,
      provider text NOT NULL,
      customer_ref text NOT NULL,
      contact_id uuid NOT NULL REFERENCES contacts (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, provider, customer_ref)
    )`,
    `CREATE INDEX provider_customers_contact ON provider_customers (tenant_id, contact_id)`,
    ...tenantRlsSql('provider_customers'),

    `CREATE TABLE recurring_agreements (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      contact_id uuid NOT NULL REFERENCES contacts (id),
      provider text NOT NULL CHECK (provider IN ('MANUAL', 'STRIPE', 'GOCARDLESS', 'PAYPAL', 'JUSTGIVING')),
      provider_ref text,
      provider_mandate_ref text,
      payment_method text NOT NULL CHECK (payment_method IN ('CARD', 'DIRECT_DEBIT', 'STANDING_ORDER', 'PAYPAL', 'JUSTGIVING', 'OTHER')),
      type text NOT NULL CHECK (type IN ('OPEN', 'FIXED')),
      installments_total int CHECK (installments_total > 0),
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      period text NOT NULL CHECK (period IN ('WEEKLY', 'MONTHLY', 'YEARLY', 'FIRST_AND_FIFTEENTH')),
      -- MONTHLY only: 1-31 (clamped to shorter months) or -1 for "the last day of the month".
      day_of_month int CHECK (day_of_month = -1 OR day_of_month BETWEEN 1 AND 31),
      status text NOT NULL CHECK (status IN ('ACTIVE', 'PAUSED', 'LAPSED', 'CLOSED')),
      start_date date NOT NULL,
      next_expected_date date,
      missed_count int NOT NULL DEFAULT 0 CHECK (missed_count >= 0),
      paid_count int NOT NULL DEFAULT 0 CHECK (paid_count >= 0),
      last_paid_at timestamptz,
      closed_at timestamptz,
      -- When the provider last told us about this agreement: older (out-of-order) events are skipped.
      provider_event_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((type = 'FIXED') = (installments_total IS NOT NULL)),
      CHECK ((period = 'MONTHLY') OR day_of_month IS NULL)
    )`,
    `CREATE UNIQUE INDEX recurring_agreements_provider_ref ON recurring_agreements (tenant_id, provider, provider_ref) WHERE provider_ref IS NOT NULL`,
    `CREATE INDEX recurring_agreements_mandate ON recurring_agreements (tenant_id, provider, provider_mandate_ref) WHERE provider_mandate_ref IS NOT NULL`,
    `CREATE INDEX recurring_agreements_page ON recurring_agreements (tenant_id, created_at DESC, id DESC)`,
    `CREATE INDEX recurring_agreements_contact ON recurring_agreements (tenant_id, contact_id, created_at DESC, id DESC)`,
    `CREATE INDEX recurring_agreements_due ON recurring_agreements (tenant_id, next_expected_date) WHERE status IN ('ACTIVE', 'LAPSED')`,
    ...tenantRlsSql('recurring_agreements'),

    // Instalment gifts already folded into their agreement (provider intake folds at once; gifts
    // recorded by hand with kind RECURRING_INSTALMENT are folded by evaluateRecurringAgreements).
    `CREATE TABLE recurring_agreement_instalments (
      tenant_id text NOT NULL,
      gift_id uuid PRIMARY KEY REFERENCES gifts (id),
      agreement_id uuid NOT NULL REFERENCES recurring_agreements (id),
      applied_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX recurring_agreement_instalments_agreement ON recurring_agreement_instalments (tenant_id, agreement_id)`,
    ...tenantRlsSql('recurring_agreement_instalments'),
  ],
  ['DROP TABLE recurring_agreement_instalments', 'DROP TABLE recurring_agreements', 'DROP TABLE provider_customers', 'DROP TABLE provider_events', 'DROP TABLE payment_provider_accounts'],
);
