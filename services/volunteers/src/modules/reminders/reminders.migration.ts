import PgBoss from 'pg-boss';
import { sqlMigration } from '@commonhold/kit';
import { deliveryTableSql } from '@commonhold/notifications/pg';

/** The pg-boss queues of shift reminders (created here, as the owner: the app role holds no DDL rights). */
export const REMINDER_QUEUES = {
  sweep: 'volunteers-reminder-sweep',
  delivery: 'volunteers-reminder-delivery',
  dead: 'volunteers-reminder-dead',
} as const;

/** pg-boss's own schema, without its BEGIN/COMMIT: the migration runs in TypeORM's transaction. */
const pgBossSchema = PgBoss.getConstructionPlans('pgboss')
  .trim()
  .replace(/^BEGIN;/, '')
  .replace(/COMMIT;\s*$/, '');

/** The sweep finds due reminders across tenants (it only reads: each delivery runs in its tenant). */
export const SWEEP = `current_setting('app.reminder_sweep', true) = 'on'`;

const queue = (name: string, options: Record<string, unknown>) => `SELECT pgboss.create_queue('${name}', '${JSON.stringify({ policy: 'standard', ...options })}'::json)`;

/**
 * Shift reminders: the notifications package's delivery records, the reminder state on each signup,
 * a sweep-only read policy on shifts and signups, and pg-boss (schema and queues).
 */
export const ShiftReminders1796700000100 = sqlMigration(
  'ShiftReminders1796700000100',
  [
    ...deliveryTableSql(),
    // sent | delivered | bounced | failed | skipped (no email consent or address) | dead_lettered
    'ALTER TABLE volunteer_signups ADD COLUMN reminder_status text, ADD COLUMN reminded_at timestamptz',
    `CREATE POLICY reminder_sweep_read ON volunteer_signups FOR SELECT USING (${SWEEP})`,
    `CREATE POLICY reminder_sweep_read ON volunteer_shifts FOR SELECT USING (${SWEEP})`,
    pgBossSchema,
    queue(REMINDER_QUEUES.dead, { retentionMinutes: 60 * 24 * 14 }),
    queue(REMINDER_QUEUES.sweep, { retryLimit: 0 }),
    queue(REMINDER_QUEUES.delivery, { retryLimit: 4, retryDelay: 30, retryBackoff: true, deadLetter: REMINDER_QUEUES.dead }),
    'GRANT USAGE ON SCHEMA pgboss TO PUBLIC',
    'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO PUBLIC',
  ],
  [
    'DROP SCHEMA pgboss CASCADE',
    'DROP POLICY reminder_sweep_read ON volunteer_shifts',
    'DROP POLICY reminder_sweep_read ON volunteer_signups',
    'ALTER TABLE volunteer_signups DROP COLUMN reminder_status, DROP COLUMN reminded_at',
    'DROP TABLE notification_deliveries',
  ],
);
