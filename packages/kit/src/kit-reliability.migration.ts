import type { MixedList } from 'typeorm';
import { sqlMigration } from './sql-migration';
import { KitAuditCheck1790000000100, KitSecrets1790000000200 } from './kit-follow-ups.migration';

/**
 * Follow-ups to the kit tables (ADR 0006):
 *  - `inbox.event_id` becomes text: a CloudEvents `id` is any non-empty string, not a UUID, and a
 *    valid event must not fail as a SQL error (it was retried five times, then dead-lettered).
 *  - autovacuum tuned for the two queue-like tables. Every outbox row is inserted once and deleted
 *    once within milliseconds, so after a burst the claim's index scan walks dead tuples until
 *    (auto)vacuum runs; the default trigger (20 % of the table + 50 rows, cost-limited) waits far
 *    too long on a table that is usually near-empty. Vacuum after ~1000 dead rows, unthrottled;
 *    and analyse often so the planner keeps seeing a small table. The inbox only grows (one row per
 *    consumed event) but is written at event rate: insert-triggered vacuum keeps its visibility
 *    map current for index-only duplicate checks.
 */
export const KitReliability1790000000000 = sqlMigration(
  'KitReliability1790000000000',
  [
    `ALTER TABLE inbox ALTER COLUMN event_id TYPE text`,
    `ALTER TABLE outbox SET (
      autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_scale_factor = 0,
      autovacuum_vacuum_insert_threshold = 1000, autovacuum_vacuum_insert_scale_factor = 0,
      autovacuum_analyze_threshold = 1000, autovacuum_analyze_scale_factor = 0,
      autovacuum_vacuum_cost_delay = 0, autovacuum_vacuum_cost_limit = 10000
    )`,
    `ALTER TABLE inbox SET (
      autovacuum_vacuum_insert_threshold = 10000, autovacuum_vacuum_insert_scale_factor = 0.05,
      autovacuum_analyze_scale_factor = 0.05, autovacuum_vacuum_cost_delay = 0
    )`,
  ],
  [
    `ALTER TABLE inbox RESET (autovacuum_vacuum_insert_threshold, autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_scale_factor, autovacuum_vacuum_cost_delay)`,
    `ALTER TABLE outbox RESET (autovacuum_vacuum_threshold, autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_threshold, autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_threshold, autovacuum_analyze_scale_factor, autovacuum_vacuum_cost_delay, autovacuum_vacuum_cost_limit)`,
    `ALTER TABLE inbox ALTER COLUMN event_id TYPE uuid USING event_id::uuid`,
  ],
);

/**
 * Tenants' own feature-flag settings (tenant-flags.ts): the first rule of the pilot rollout. Tenant
 * isolation spelled out as `tenantRlsSql` writes it (importing db.ts here would close a cycle).
 */
export const KitTenantFlags1790000000300 = sqlMigration(
  'KitTenantFlags1790000000300',
  [
    `CREATE TABLE tenant_feature_flags (
      tenant_id text NOT NULL,
      flag text NOT NULL,
      enabled boolean NOT NULL,
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, flag)
    )`,
    `ALTER TABLE tenant_feature_flags ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE tenant_feature_flags FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY tenant_feature_flags_tenant_isolation ON tenant_feature_flags USING (tenant_id = current_setting('app.tenant_id', true)) WITH CHECK (tenant_id = current_setting('app.tenant_id', true))`,
  ],
  ['DROP TABLE tenant_feature_flags'],
);

/**
 * Compaction of a drained outbox (issue 10 item 7). Every outbox row is deleted once published, so
 * after a burst of N events the table and its primary-key index hold N dead tuples until vacuum
 * reclaims them, and every claim (`ORDER BY id LIMIT … SKIP LOCKED`) walks past them: p95 rises
 * for as long as (auto)vacuum takes to come round. When the relay has drained a burst and sees the
 * table empty, it calls this function: under an ACCESS EXCLUSIVE lock taken with NOWAIT (it never
 * queues behind a writer; writers wait for it only for the few milliseconds of the TRUNCATE) it
 * checks that no row of any tenant is left and truncates — a fresh, empty heap and index, no dead
 * tuples. SECURITY DEFINER (the app role may not TRUNCATE), and it sets the relay flag itself so
 * the emptiness check sees every tenant's rows whoever calls it; the id sequence is not reset.
 */
export const KitOutboxCompact1790000000400 = sqlMigration(
  'KitOutboxCompact1790000000400',
  [
    `CREATE FUNCTION kit_outbox_compact() RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
     BEGIN
       PERFORM set_config('app.outbox_relay', 'on', true);
       LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE NOWAIT;
       IF EXISTS (SELECT 1 FROM outbox) THEN RETURN false; END IF;
       TRUNCATE outbox;
       RETURN true;
     EXCEPTION WHEN lock_not_available THEN
       RETURN false;
     END $$`,
  ],
  ['DROP FUNCTION IF EXISTS kit_outbox_compact()'],
);

/** The kit's migrations after `KitTables`, in order. */
export const KIT_FOLLOW_UP_MIGRATIONS: Function[] = [KitReliability1790000000000, KitAuditCheck1790000000100, KitSecrets1790000000200, KitTenantFlags1790000000300, KitOutboxCompact1790000000400];

/**
 * A service lists `KitTables1763800000000` among its migrations; the kit's own follow-ups ride
 * along without every service having to list them (they only touch the kit's tables).
 */
export function withKitMigrations(migrations: MixedList<Function>): MixedList<Function> {
  // Matched by name: importing KitTables here would close an import cycle through db.ts.
  if (!Array.isArray(migrations) || !migrations.some((m) => typeof m === 'function' && m.name === 'KitTables1763800000000')) return migrations;
  const names = new Set(migrations.map((m) => (typeof m === 'function' ? m.name : '')));
  return [...migrations, ...KIT_FOLLOW_UP_MIGRATIONS.filter((m) => !names.has(m.name))];
}
