import { sqlMigration, tenantRlsSql } from '@commonhold/kit';

const GLOBAL = `current_setting('app.scope', true) = 'global'`;
const inList = (col: string, setting: string) => `${col}::text = ANY(string_to_array(NULLIF(current_setting('${setting}', true), ''), ','))`;
const inScope = `${GLOBAL} OR ${inList('building_id', 'app.scope_buildings')} OR ${inList('apartment_id', 'app.scope_apartments')}`;

/**
 * Dunning policies, versioned: every change appends a version (a removed override is a version
 * without a document), so a run records the exact version it used. `building_id` is set for
 * building and apartment overrides so scope fencing needs no join.
 */
export const CreateDunning1796495271300 = sqlMigration(
  'CreateDunning1796495271300',
  [
    `CREATE TABLE dunning_policies (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      scope text NOT NULL CHECK (scope IN ('tenant', 'building', 'apartment')),
      building_id uuid,
      apartment_id uuid,
      version integer NOT NULL CHECK (version >= 1),
      document jsonb,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((scope = 'tenant') = (building_id IS NULL)),
      CHECK ((scope = 'apartment') = (apartment_id IS NOT NULL)),
      CHECK (scope <> 'tenant' OR document IS NOT NULL)
    )`,
    `CREATE UNIQUE INDEX dunning_policies_version ON dunning_policies (tenant_id, scope, COALESCE(apartment_id, building_id), version)`,
    `CREATE UNIQUE INDEX dunning_policies_tenant_version ON dunning_policies (tenant_id, version) WHERE scope = 'tenant'`,
    ...tenantRlsSql('dunning_policies'),
    // Everyone in the tenant reads the tenant default, and an owner its building's override (they decide
    // its dunning); writes stay within the caller's scope (the default: the office only).
    `CREATE POLICY dunning_policies_scope ON dunning_policies AS RESTRICTIVE USING (${inScope} OR scope = 'tenant' OR building_id IN (SELECT a.building_id FROM apartments a WHERE ${inList('a.id', 'app.scope_apartments')})) WITH CHECK (${inScope})`,
    `CREATE FUNCTION dunning_policies_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'dunning policy versions are append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
     END $$`,
    `CREATE TRIGGER dunning_policies_no_update BEFORE UPDATE OR DELETE ON dunning_policies FOR EACH ROW EXECUTE FUNCTION dunning_policies_append_only()`,
  ],
  ['DROP TABLE dunning_policies', 'DROP FUNCTION dunning_policies_append_only()'],
);
