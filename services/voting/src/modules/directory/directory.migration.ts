import { scopeRlsSql, sqlMigration, tenantRlsSql } from '@commonhold/kit';

const GLOBAL = `current_setting('app.scope', true) = 'global'`;
const inList = (col: string, setting: string) => `${col}::text = ANY(string_to_array(NULLIF(current_setting('${setting}', true), ''), ','))`;

/**
 * The SQL an apartment-scoped caller (an owner) is admitted by on rows keyed by a building: the
 * building of one of its apartments. Shared by every building-keyed table an owner may read.
 */
export const OWNERS_BUILDING = (col: string) => `${col} IN (SELECT a.building_id FROM voting_apartments a WHERE ${inList('a.id', 'app.scope_apartments')})`;

/** A read policy admitting owners to their building's rows; writes stay with building scope. */
export const buildingReadableByOwners = (table: string) =>
  `CREATE POLICY ${table}_scope ON ${table} AS RESTRICTIVE
     USING (${GLOBAL} OR ${inList('building_id', 'app.scope_buildings')} OR ${OWNERS_BUILDING('building_id')})
     WITH CHECK (${GLOBAL} OR ${inList('building_id', 'app.scope_buildings')})`;

/**
 * voting's own copy of collections' buildings and apartments (with ownership shares in thousandths),
 * kept from collections' events (services never read each other's databases). Eligible voters and
 * their weights are taken from here when a vote is created.
 */
export const CreateVotingDirectory1796531703500 = sqlMigration(
  'CreateVotingDirectory1796531703500',
  [
    `CREATE TABLE voting_buildings (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      name text NOT NULL,
      currency text NOT NULL,
      deleted_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    ...tenantRlsSql('voting_buildings'),
    `CREATE TABLE voting_apartments (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL,
      unit text NOT NULL,
      ownership_share integer,
      deleted_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX voting_apartments_building ON voting_apartments (tenant_id, building_id) WHERE deleted_at IS NULL',
    ...tenantRlsSql('voting_apartments'),
    ...scopeRlsSql('voting_apartments', { building: 'building_id', apartment: 'id' }),
    // An owner reads (never writes) the building of its apartment.
    `CREATE POLICY voting_buildings_scope ON voting_buildings AS RESTRICTIVE
       USING (${GLOBAL} OR ${inList('id', 'app.scope_buildings')} OR ${OWNERS_BUILDING('id')})
       WITH CHECK (${GLOBAL} OR ${inList('id', 'app.scope_buildings')})`,
  ],
  ['DROP TABLE voting_apartments', 'DROP TABLE voting_buildings'],
);
