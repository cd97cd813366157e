import { scopeRlsSql, sqlMigration, tenantRlsSql } from '@commonhold/kit';

/**
 * bulk-ops' own copy of what it needs from collections, kept from collections' events (services never
 * read each other's databases): buildings (currency), apartments (unit, ownership share) and each
 * apartment's balance (the sum of its ledger entries). Fenced by building scope like the jobs.
 */
export const CreateDirectory1796522582356 = sqlMigration(
  'CreateDirectory1796522582356',
  [
    `CREATE TABLE directory_buildings (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      name text NOT NULL,
      currency text NOT NULL,
      deleted_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    ...tenantRlsSql('directory_buildings'),
    ...scopeRlsSql('directory_buildings', { building: 'id' }),
    `CREATE TABLE directory_apartments (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL,
      unit text NOT NULL,
      ownership_share integer,
      deleted_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX directory_apartments_building ON directory_apartments (tenant_id, building_id) WHERE deleted_at IS NULL',
    ...tenantRlsSql('directory_apartments'),
    ...scopeRlsSql('directory_apartments', { building: 'building_id', apartment: 'id' }),
    `CREATE TABLE directory_balances (
      apartment_id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL,
      currency text NOT NULL,
      balance_minor bigint NOT NULL DEFAULT 0,
      entries integer NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    ...tenantRlsSql('directory_balances'),
    ...scopeRlsSql('directory_balances', { building: 'building_id', apartment: 'apartment_id' }),
  ],
  ['DROP TABLE directory_balances', 'DROP TABLE directory_apartments', 'DROP TABLE directory_buildings'],
);
