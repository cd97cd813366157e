import { scopeRlsSql, sqlMigration, tenantRlsSql } from '@commonhold/kit';

const GLOBAL = `current_setting('app.scope', true) = 'global'`;
const inList = (col: string, setting: string) => `${col}::text = ANY(string_to_array(NULLIF(current_setting('${setting}', true), ''), ','))`;

/**
 * Buildings, apartments (with their ownership/heating/other shares in thousandths) and the people
 * attached to an apartment. `building_id` is copied onto every row below a building so that row-level
 * security can fence rows by building scope without joins. Scope fencing (restrictive policies beside
 * the tenant ones): a building-scoped caller reaches its buildings and everything in them; an
 * apartment-scoped caller its apartments, their parties, and (read only) the buildings they are in.
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
    ...scopeRlsSql('apartments', { building: 'building_id', apartment: 'id' }),
    // Not scopeRlsSql: an owner may read (never write) the building of its apartment.
    `CREATE POLICY buildings_scope ON buildings AS RESTRICTIVE
       USING (${GLOBAL} OR ${inList('id', 'app.scope_buildings')} OR id IN (SELECT a.building_id FROM apartments a WHERE ${inList('a.id', 'app.scope_apartments')}))
       WITH CHECK (${GLOBAL} OR ${inList('id', 'app.scope_buildings')})`,
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
    ...scopeRlsSql('apartment_parties', { building: 'building_id', apartment: 'apartment_id' }),
  ],
  ['DROP TABLE apartment_parties', 'DROP TABLE apartments', 'DROP TABLE buildings'],
);
