import { sqlMigration, tenantRlsSql } from '@commonhold/kit';

/**
 * Buildings, apartments (with their ownership/heating/other shares in thousandths) and the people
 * attached to an apartment. `building_id` is copied onto every row below a building so that row-level
 * security can fence rows by building scope without joins.
 */
export const CreateBuildings1796495271123 = sqlMigration(
  'CreateBuildings1796495271123',
  [
    `CREATE TABLE buildings (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      name text NOT NULL,
      address_line1 text NOT NULL,
      address_line2 text,
      city text NOT NULL,
      postcode text NOT NULL,
      country text NOT NULL,
      currency text NOT NULL,
      shares_set_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX buildings_page ON buildings (tenant_id, created_at DESC, id DESC)',
    ...tenantRlsSql('buildings'),
    `CREATE TABLE apartments (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL REFERENCES buildings (id),
      unit text NOT NULL,
      floor integer,
      ownership_share integer CHECK (ownership_share BETWEEN 1 AND 1000),
      heating_share integer CHECK (heating_share BETWEEN 0 AND 1000),
      other_share integer CHECK (other_share BETWEEN 0 AND 1000),
      payment_reference text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE UNIQUE INDEX apartments_unit ON apartments (tenant_id, building_id, lower(unit))',
    'CREATE UNIQUE INDEX apartments_reference ON apartments (tenant_id, payment_reference)',
    'CREATE INDEX apartments_page ON apartments (tenant_id, building_id, created_at DESC, id DESC)',
    ...tenantRlsSql('apartments'),
    `CREATE TABLE apartment_parties (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL REFERENCES buildings (id),
      apartment_id uuid NOT NULL REFERENCES apartments (id),
      role text NOT NULL CHECK (role IN ('owner', 'occupant')),
      name text,
      email text,
      phone text,
      postal_address text,
      preferred_channel text NOT NULL CHECK (preferred_channel IN ('email', 'sms', 'letter')),
      consent_email boolean NOT NULL DEFAULT false,
      consent_sms boolean NOT NULL DEFAULT false,
      consent_letter boolean NOT NULL DEFAULT false,
      consent_recorded_at timestamptz,
      erased_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (erased_at IS NULL OR (name IS NULL AND email IS NULL AND phone IS NULL AND postal_address IS NULL))
    )`,
    'CREATE INDEX apartment_parties_apartment ON apartment_parties (tenant_id, apartment_id, created_at, id)',
    ...tenantRlsSql('apartment_parties'),
  ],
  ['DROP TABLE apartment_parties', 'DROP TABLE apartments', 'DROP TABLE buildings'],
);
