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

/** The kit's migrations after `KitTables`, in order. */
export const KIT_FOLLOW_UP_MIGRATIONS: Function[] = [KitReliability1790000000000, KitAuditCheck1790000000100, KitSecrets1790000000200];

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
