import PgBoss from 'pg-boss';
import { sqlMigration } from '@commonhold/kit';

/** bulk-ops' pg-boss queue: the periodic sweep of items stuck in flight (created here, as the owner). */
export const BULK_QUEUES = { sweep: 'bulk-ops-sweep' } as const;

/** pg-boss's own schema, without its BEGIN/COMMIT: the migration runs in TypeORM's transaction. */
const pgBossSchema = PgBoss.getConstructionPlans('pgboss')
  .trim()
  .replace(/^BEGIN;/, '')
  .replace(/COMMIT;\s*$/, '');

/**
 * pg-boss (schema and the sweep queue) and the sweeper's read-only view across tenants: with
 * `app.bulk_sweeper = on` (set by the sweeper only) it may list the jobs of every tenant; it sweeps
 * each tenant inside that tenant's own transaction.
 */
export const CreateBulkSweeper1796600000000 = sqlMigration(
  'CreateBulkSweeper1796600000000',
  [
    `CREATE POLICY bulk_jobs_sweeper ON bulk_jobs FOR SELECT USING (current_setting('app.bulk_sweeper', true) = 'on')`,
    pgBossSchema,
    `SELECT pgboss.create_queue('${BULK_QUEUES.sweep}', '${JSON.stringify({ policy: 'singleton', retryLimit: 0 })}'::json)`,
    // Only the service's app role may connect to this database (CONNECT is revoked from PUBLIC).
    'GRANT USAGE ON SCHEMA pgboss TO PUBLIC',
    'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO PUBLIC',
  ],
  ['DROP SCHEMA pgboss CASCADE', 'DROP POLICY bulk_jobs_sweeper ON bulk_jobs'],
);
