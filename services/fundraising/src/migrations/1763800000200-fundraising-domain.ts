import { sqlMigration, tenantRlsSql } from '@commonhold/kit';

/**
 * The fundraising domain's shared tables (issue 3): tenant settings, people and organisations with
 * UK addresses, households, consent, campaigns/appeals/funds, gifts of every kind with allocations,
 * soft credits and refunds, opportunities, and giving rollups per contact or household.
 * Module-specific tables (Gift Aid, provider intake, recurring agreements, import) have their own
 * migrations. See docs/fundraising/design.md.
 */
export const FundraisingDomain1763800000200 = sqlMigration(
  'FundraisingDomain1763800000200',
  [
    `CREATE TABLE fundraising_settings (
      tenant_id text PRIMARY KEY,
      households_enabled boolean NOT NULL DEFAULT true,
      fiscal_year_start_month int NOT NULL DEFAULT 4 CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
      lapse_after_missed_instalments int NOT NULL DEFAULT 2 CHECK (lapse_after_missed_instalments BETWEEN 1 AND 24),
      default_currency char(3) NOT NULL DEFAULT 'GBP',
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    ...tenantRlsSql('fundraising_settings'),

    `CREATE TABLE households (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      name text NOT NULL,
      formal_greeting text NOT NULL,
      informal_greeting text NOT NULL,
      name_overridden boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    ...tenantRlsSql('households'),

    // Organisations are contacts of kind ORGANISATION (organisation_name set, no first name).
    `ALTER TABLE contacts
      ADD COLUMN kind text NOT NULL DEFAULT 'PERSON' CHECK (kind IN ('PERSON', 'ORGANISATION')),
      ADD COLUMN title text,
      ADD COLUMN organisation_name text,
      ADD COLUMN phone text,
      ADD COLUMN house_name_or_number text,
      ADD COLUMN address_line1 text,
      ADD COLUMN address_line2 text,
      ADD COLUMN city text,
      ADD COLUMN postcode text,
      ADD COLUMN country char(2),
      ADD COLUMN household_id uuid REFERENCES households (id),
      ADD COLUMN exclude_from_household_name boolean NOT NULL DEFAULT false,
      ADD COLUMN merged_into_id uuid REFERENCES contacts (id),
      ADD COLUMN erased_at timestamptz,
      ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`,
    `ALTER TABLE contacts ALTER COLUMN first_name DROP NOT NULL`,
    `CREATE INDEX contacts_email ON contacts (tenant_id, lower(email)) WHERE email IS NOT NULL`,
    `CREATE INDEX contacts_name_postcode ON contacts (tenant_id, lower(last_name), lower(first_name), postcode)`,
    `CREATE INDEX contacts_household ON contacts (tenant_id, household_id) WHERE household_id IS NOT NULL`,

    // Append-only consent history; the current state per channel is the latest row.
    `CREATE TABLE contact_consents (
      id bigserial PRIMARY KEY,
      tenant_id text NOT NULL,
      contact_id uuid NOT NULL REFERENCES contacts (id),
      channel text NOT NULL CHECK (channel IN ('EMAIL', 'SMS', 'PHONE', 'POST')),
      granted boolean NOT NULL,
      source text NOT NULL,
      recorded_at timestamptz NOT NULL
    )`,
    `CREATE INDEX contact_consents_current ON contact_consents (tenant_id, contact_id, channel, recorded_at DESC, id DESC)`,
    ...tenantRlsSql('contact_consents'),

    `CREATE TABLE campaigns (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      code text NOT NULL,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, code)
    )`,
    ...tenantRlsSql('campaigns'),
    `CREATE TABLE appeals (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      campaign_id uuid REFERENCES campaigns (id),
      code text NOT NULL,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, code)
    )`,
    ...tenantRlsSql('appeals'),
    `CREATE TABLE funds (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      code text NOT NULL,
      name text NOT NULL,
      restricted boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, code)
    )`,
    ...tenantRlsSql('funds'),

    `CREATE TABLE opportunities (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      contact_id uuid NOT NULL REFERENCES contacts (id),
      name text NOT NULL,
      type text NOT NULL CHECK (type IN ('GRANT', 'MAJOR_GIFT', 'LEGACY')),
      stage text NOT NULL CHECK (stage IN ('PROSPECTING', 'CULTIVATION', 'ASK', 'PLEDGED', 'WON', 'LOST')),
      expected_minor bigint NOT NULL CHECK (expected_minor > 0),
      currency char(3) NOT NULL,
      probability int NOT NULL CHECK (probability BETWEEN 0 AND 100),
      close_date date NOT NULL,
      lost_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX opportunities_page ON opportunities (tenant_id, created_at DESC, id DESC)`,
    ...tenantRlsSql('opportunities'),

    // Every gift kind in one table. PLEDGE rows are promises (never counted in rollups); their
    // PLEDGE_PAYMENT rows point at them. net = amount_minor - refunded_minor.
    `ALTER TABLE gifts
      ADD COLUMN kind text NOT NULL DEFAULT 'ONE_OFF' CHECK (kind IN ('ONE_OFF', 'PLEDGE', 'PLEDGE_PAYMENT', 'RECURRING_INSTALMENT')),
      ADD COLUMN payment_method text NOT NULL DEFAULT 'OTHER' CHECK (payment_method IN ('CASH', 'CHEQUE', 'CARD', 'DIRECT_DEBIT', 'BANK_TRANSFER', 'STANDING_ORDER', 'PAYPAL', 'JUSTGIVING', 'OTHER')),
      ADD COLUMN pledge_id uuid REFERENCES gifts (id),
      ADD COLUMN recurring_agreement_id uuid,
      ADD COLUMN campaign_id uuid REFERENCES campaigns (id),
      ADD COLUMN appeal_id uuid REFERENCES appeals (id),
      ADD COLUMN opportunity_id uuid REFERENCES opportunities (id),
      ADD COLUMN refunded_minor bigint NOT NULL DEFAULT 0,
      ADD COLUMN benefit_minor bigint NOT NULL DEFAULT 0 CHECK (benefit_minor >= 0),
      ADD COLUMN source text NOT NULL DEFAULT 'MANUAL' CHECK (source IN ('MANUAL', 'STRIPE', 'GOCARDLESS', 'PAYPAL', 'JUSTGIVING', 'IMPORT')),
      ADD COLUMN external_ref text,
      ADD COLUMN rolled_up boolean NOT NULL DEFAULT false,
      ADD CONSTRAINT gifts_refund_bounds CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor)`,
    `CREATE UNIQUE INDEX gifts_external_ref ON gifts (tenant_id, source, external_ref) WHERE external_ref IS NOT NULL`,
    `CREATE INDEX gifts_received ON gifts (tenant_id, received_at)`,
    `CREATE INDEX gifts_contact_received ON gifts (tenant_id, contact_id, received_at)`,
    `CREATE INDEX gifts_pledge ON gifts (tenant_id, pledge_id) WHERE pledge_id IS NOT NULL`,
    `CREATE INDEX gifts_opportunity ON gifts (tenant_id, opportunity_id) WHERE opportunity_id IS NOT NULL`,
    `CREATE INDEX gifts_agreement ON gifts (tenant_id, recurring_agreement_id) WHERE recurring_agreement_id IS NOT NULL`,

    `CREATE TABLE gift_allocations (
      tenant_id text NOT NULL,
      gift_id uuid NOT NULL REFERENCES gifts (id),
      fund_id uuid NOT NULL REFERENCES funds (id),
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      PRIMARY KEY (gift_id, fund_id)
    )`,
    `CREATE INDEX gift_allocations_fund ON gift_allocations (tenant_id, fund_id)`,
    ...tenantRlsSql('gift_allocations'),

    `CREATE TABLE soft_credits (
      tenant_id text NOT NULL,
      gift_id uuid NOT NULL REFERENCES gifts (id),
      contact_id uuid NOT NULL REFERENCES contacts (id),
      role text NOT NULL CHECK (role IN ('MATCHED_DONOR', 'SOFT_CREDIT', 'HOUSEHOLD_MEMBER')),
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      PRIMARY KEY (gift_id, contact_id, role)
    )`,
    `CREATE INDEX soft_credits_contact ON soft_credits (tenant_id, contact_id)`,
    ...tenantRlsSql('soft_credits'),

    `CREATE TABLE gift_refunds (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      gift_id uuid NOT NULL REFERENCES gifts (id),
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      reason text,
      refunded_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      rolled_up boolean NOT NULL DEFAULT false
    )`,
    `CREATE INDEX gift_refunds_gift ON gift_refunds (tenant_id, gift_id)`,
    ...tenantRlsSql('gift_refunds'),

    // Rollups per subject (a contact, organisations included, or a household) and currency.
    `DROP TABLE giving_rollups`,
    `CREATE TABLE giving_rollups (
      tenant_id text NOT NULL,
      subject_type text NOT NULL CHECK (subject_type IN ('CONTACT', 'HOUSEHOLD')),
      subject_id uuid NOT NULL,
      currency char(3) NOT NULL,
      total_minor bigint NOT NULL DEFAULT 0,
      gift_count int NOT NULL DEFAULT 0,
      smallest_minor bigint,
      largest_minor bigint,
      first_gift_at timestamptz,
      first_gift_minor bigint,
      last_gift_at timestamptz,
      last_gift_minor bigint,
      by_fiscal_year jsonb NOT NULL DEFAULT '{}',
      soft_credit_minor bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, subject_type, subject_id, currency)
    )`,
    ...tenantRlsSql('giving_rollups'),
  ],
  [
    `DROP TABLE giving_rollups`,
    `CREATE TABLE giving_rollups (
      tenant_id text NOT NULL,
      contact_id uuid NOT NULL REFERENCES contacts (id),
      currency char(3) NOT NULL,
      total_minor bigint NOT NULL,
      gift_count int NOT NULL,
      last_gift_date timestamptz,
      PRIMARY KEY (tenant_id, contact_id, currency)
    )`,
    ...tenantRlsSql('giving_rollups'),
    'DROP TABLE gift_refunds',
    'DROP TABLE soft_credits',
    'DROP TABLE gift_allocations',
    `ALTER TABLE gifts DROP CONSTRAINT gifts_refund_bounds, DROP COLUMN kind, DROP COLUMN payment_method, DROP COLUMN pledge_id, DROP COLUMN recurring_agreement_id,
      DROP COLUMN campaign_id, DROP COLUMN appeal_id, DROP COLUMN opportunity_id, DROP COLUMN refunded_minor, DROP COLUMN benefit_minor,
      DROP COLUMN source, DROP COLUMN external_ref, DROP COLUMN rolled_up`,
    'DROP TABLE opportunities',
    'DROP TABLE funds',
    'DROP TABLE appeals',
    'DROP TABLE campaigns',
    'DROP TABLE contact_consents',
    `UPDATE contacts SET first_name = '' WHERE first_name IS NULL`,
    `ALTER TABLE contacts ALTER COLUMN first_name SET NOT NULL`,
    `DROP INDEX contacts_email`,
    `DROP INDEX contacts_name_postcode`,
    `DROP INDEX contacts_household`,
    `ALTER TABLE contacts DROP COLUMN kind, DROP COLUMN title, DROP COLUMN organisation_name, DROP COLUMN phone, DROP COLUMN house_name_or_number,
      DROP COLUMN address_line1, DROP COLUMN address_line2, DROP COLUMN city, DROP COLUMN postcode, DROP COLUMN country, DROP COLUMN household_id,
      DROP COLUMN exclude_from_household_name, DROP COLUMN merged_into_id, DROP COLUMN erased_at, DROP COLUMN updated_at`,
    'DROP TABLE households',
    'DROP TABLE fundraising_settings',
  ],
);
