import { sqlMigration, tenantRlsSql } from '@commonhold/kit';

export const CreateFundraising1763800000100 = sqlMigration(
  'CreateFundraising1763800000100',
  [
    `CREATE TABLE contacts (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      first_name text NOT NULL,
      last_name text NOT NULL,
      email text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX contacts_page ON contacts (tenant_id, created_at DESC, id DESC)`,
    ...tenantRlsSql('contacts'),
    `CREATE TABLE gifts (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      contact_id uuid NOT NULL REFERENCES contacts (id),
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      received_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX gifts_page ON gifts (tenant_id, created_at DESC, id DESC)`,
    `CREATE INDEX gifts_contact ON gifts (tenant_id, contact_id, created_at DESC, id DESC)`,
    ...tenantRlsSql('gifts'),
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
  ],
  ['DROP TABLE giving_rollups', 'DROP TABLE gifts', 'DROP TABLE contacts'],
);
