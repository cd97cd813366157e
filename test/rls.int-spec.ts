// Meta-test: every table that holds tenant data has row-level security enabled AND forced, with a
// policy, in every service database; and services connect as a role that RLS binds.
import { Client } from 'pg';
import { SERVICES } from '@commonhold/platform';
import { createTestDatabase } from '@commonhold/testing';

/** Tables allowed to lack `tenant_id`: bookkeeping, never tenant data. */
// signing_keys: identity's platform-wide keys (one JWKS for every tenant), no tenant data.
const GLOBAL_TABLES = new Set(['schema_migrations', 'signing_keys']);
/**
 * Tables with `tenant_id` deliberately without RLS, and why. `kit_tenants` lists which tenants a
 * service has data for (ids only), so the audit checker and key rewrapping can then work inside each
 * tenant's RLS (ADR 0007).
 */
const TENANT_INDEX_TABLES = new Set(['kit_tenants']);

describe.each(SERVICES.map((s) => [s.def.name, s.def] as const))('%s database', (_name, def) => {
  let owner: Client;
  let app: Client;

  beforeAll(async () => {
    const db = await createTestDatabase(def.name, def.migrations);
    owner = new Client({ connectionString: db.ownerUrl });
    app = new Client({ connectionString: db.appUrl });
    await owner.connect();
    await app.connect();
  });
  afterAll(async () => {
    await owner.end();
    await app.end();
  });

  it('forces RLS with a tenant policy on every table with tenant_id', async () => {
    const { rows } = await owner.query(`
      SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
             (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
             EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS has_tenant
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`);
    const tenantTables = rows.filter((r) => r.has_tenant && !TENANT_INDEX_TABLES.has(r.table));
    // The index holds nothing but tenant ids: a column more would be tenant data outside RLS.
    const { rows: indexColumns } = await owner.query(`SELECT attname FROM pg_attribute WHERE attrelid = 'kit_tenants'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`);
    expect(indexColumns.map((c: { attname: string }) => c.attname)).toEqual(['tenant_id', 'first_seen']);
    expect(tenantTables.length).toBeGreaterThanOrEqual(5); // the kit's four plus the service's own
    const unprotected = tenantTables.filter((r) => !r.enabled || !r.forced || r.policies < 1).map((r) => r.table);
    expect(unprotected).toEqual([]);
    const untenanted = rows.filter((r) => !r.has_tenant && !GLOBAL_TABLES.has(r.table)).map((r) => r.table);
    expect(untenanted).toEqual([]);
  });

  it('connects the service as a role that owns nothing and cannot bypass RLS', async () => {
    const { rows } = await app.query(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`);
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
    const owned = await app.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user`);
    expect(owned.rows[0].n).toBe(0);
    await expect(app.query(`CREATE TABLE sneaky (id int)`)).rejects.toThrow(/permission denied/);
  });

  it('hides rows from other tenants and refuses writes for another tenant', async () => {
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.tenant_id', 'tenant-one', true)`);
    await app.query(`INSERT INTO audit_events (tenant_id, actor, action, entity_type, entity_id) VALUES ('tenant-one', 'u', 'probe', 'Probe', 'p1')`);
    await expect(
      app.query(`INSERT INTO audit_events (tenant_id, actor, action, entity_type, entity_id) VALUES ('tenant-two', 'u', 'probe', 'Probe', 'p2')`),
    ).rejects.toThrow(/row-level security/);
    await app.query('ROLLBACK');
    await app.query(`INSERT INTO audit_events (tenant_id, actor, action, entity_type, entity_id)
                     SELECT 'tenant-one', 'u', 'probe', 'Probe', 'p1' WHERE set_config('app.tenant_id', 'tenant-one', false) IS NOT NULL`);
    await app.query(`SELECT set_config('app.tenant_id', 'tenant-two', false)`);
    expect((await app.query(`SELECT count(*)::int AS n FROM audit_events`)).rows[0].n).toBe(0);
    await app.query(`SELECT set_config('app.tenant_id', '', false)`);
    expect((await app.query(`SELECT count(*)::int AS n FROM audit_events`)).rows[0].n).toBe(0);
    await app.query(`SELECT set_config('app.tenant_id', 'tenant-one', false)`);
    expect((await app.query(`SELECT count(*)::int AS n FROM audit_events`)).rows[0].n).toBe(1);
  });
});
