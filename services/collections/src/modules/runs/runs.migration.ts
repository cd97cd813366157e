import PgBoss from 'pg-boss';
import { scopeRlsSql, sqlMigration, tenantRlsSql } from '@commonhold/kit';
import { deliveryTableSql } from '@commonhold/notifications/pg';

/** The pg-boss queues of dunning (created here, as the owner: the app role holds no DDL rights). */
export const DUNNING_QUEUES = {
  tick: 'collections-dunning-tick',
  run: 'collections-dunning-run',
  delivery: 'collections-dunning-delivery',
  dead: 'collections-dunning-dead',
} as const;

/** pg-boss's own schema, without its BEGIN/COMMIT: the migration runs in TypeORM's transaction. */
const pgBossSchema = PgBoss.getConstructionPlans('pgboss')
  .trim()
  .replace(/^BEGIN;/, '')
  .replace(/COMMIT;\s*$/, '');

const SCHEDULER = `current_setting('app.dunning_scheduler', true) = 'on'`;

const queue = (name: string, options: Record<string, unknown>) => `SELECT pgboss.create_queue('${name}', '${JSON.stringify({ policy: 'standard', ...options })}'::json)`;

/**
 * Dunning runs and their reminders/escalations (`dunning_events`), the timeline of each reminder's
 * delivery outcomes, the delivery records of the notifications package, tenant templates, the
 * tenant's run schedule, and pg-boss (schema and queues).
 */
export const CreateDunningRuns1796495271700 = sqlMigration(
  'CreateDunningRuns1796495271700',
  [
    `CREATE TABLE dunning_runs (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      as_of date NOT NULL,
      dry_run boolean NOT NULL,
      trigger text NOT NULL CHECK (trigger IN ('manual', 'scheduled', 'promise_broken')),
      schedule_key text,
      status text NOT NULL CHECK (status IN ('planned', 'running', 'completed')),
      reminders int NOT NULL DEFAULT 0,
      escalations int NOT NULL DEFAULT 0,
      started_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz
    )`,
    // Two schedulers racing for the same local day create one run.
    'CREATE UNIQUE INDEX dunning_runs_schedule ON dunning_runs (tenant_id, schedule_key) WHERE schedule_key IS NOT NULL',
    'CREATE INDEX dunning_runs_page ON dunning_runs (tenant_id, created_at DESC, id DESC)',
    // The scheduler (app.dunning_scheduler = on, set by the worker only) re-drives unfinished runs of every tenant.
    ...tenantRlsSql('dunning_runs', SCHEDULER),
    `CREATE TABLE dunning_events (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      run_id uuid NOT NULL REFERENCES dunning_runs (id),
      building_id uuid NOT NULL,
      apartment_id uuid NOT NULL,
      dry_run boolean NOT NULL,
      kind text NOT NULL CHECK (kind IN ('reminder', 'escalation')),
      channel text CHECK (channel IN ('email', 'sms', 'letter')),
      step_key text NOT NULL,
      bucket text NOT NULL,
      policy_id uuid NOT NULL,
      policy_version int NOT NULL,
      attempt int,
      escalation text CHECK (escalation IN ('manager_task', 'legal')),
      template text,
      overdue_minor bigint NOT NULL,
      currency text NOT NULL,
      days_past_due int NOT NULL,
      reminder_key text NOT NULL,
      status text NOT NULL CHECK (status IN ('previewed', 'pending', 'sent', 'delivered', 'bounced', 'failed', 'dead_lettered', 'escalated')),
      attempts int NOT NULL DEFAULT 0,
      recipient text,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((kind = 'reminder') = (channel IS NOT NULL AND attempt IS NOT NULL))
    )`,
    // The reminder key: run/apartment/channel/step, once.
    'CREATE UNIQUE INDEX dunning_events_reminder_key ON dunning_events (tenant_id, reminder_key)',
    // Across runs: attempt n of a step is made once per apartment, and a step escalates once.
    `CREATE UNIQUE INDEX dunning_events_attempt ON dunning_events (tenant_id, apartment_id, step_key, attempt) WHERE NOT dry_run AND kind = 'reminder'`,
    `CREATE UNIQUE INDEX dunning_events_escalation ON dunning_events (tenant_id, apartment_id, step_key) WHERE NOT dry_run AND kind = 'escalation'`,
    'CREATE INDEX dunning_events_run ON dunning_events (tenant_id, run_id, apartment_id, id)',
    'CREATE INDEX dunning_events_apartment ON dunning_events (tenant_id, apartment_id, created_at)',
    ...tenantRlsSql('dunning_events'),
    ...scopeRlsSql('dunning_events', {
      building: 'building_id',
      apartment: 'apartment_id',
    }),
    `CREATE TABLE dunning_event_log (
      id bigserial PRIMARY KEY,
      tenant_id text NOT NULL,
      event_id uuid NOT NULL REFERENCES dunning_events (id),
      building_id uuid NOT NULL,
      apartment_id uuid NOT NULL,
      status text NOT NULL,
      detail text,
      attempt int NOT NULL DEFAULT 0,
      at timestamptz NOT NULL DEFAULT now()
    )`,
    // An outcome is linked once however often the notifier reports it (at least once).
    'CREATE UNIQUE INDEX dunning_event_log_once ON dunning_event_log (tenant_id, event_id, status, attempt)',
    ...tenantRlsSql('dunning_event_log'),
    ...scopeRlsSql('dunning_event_log', {
      building: 'building_id',
      apartment: 'apartment_id',
    }),
    ...deliveryTableSql(),
    `CREATE TABLE dunning_templates (
      tenant_id text NOT NULL,
      name text NOT NULL,
      locale text NOT NULL,
      subject text,
      text text NOT NULL,
      html text,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, name, locale)
    )`,
    ...tenantRlsSql('dunning_templates'),
    `CREATE TABLE dunning_schedules (
      tenant_id text PRIMARY KEY,
      time_zone text NOT NULL,
      local_hour int NOT NULL CHECK (local_hour BETWEEN 0 AND 23),
      enabled boolean NOT NULL DEFAULT true,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    // The scheduler reads every tenant's schedule; writes stay the tenant's own.
    ...tenantRlsSql('dunning_schedules', SCHEDULER),
    pgBossSchema,
    queue(DUNNING_QUEUES.dead, { retentionMinutes: 60 * 24 * 14 }),
    queue(DUNNING_QUEUES.tick, { retryLimit: 0 }),
    queue(DUNNING_QUEUES.run, {
      retryLimit: 5,
      retryDelay: 5,
      retryBackoff: true,
    }),
    queue(DUNNING_QUEUES.delivery, {
      retryLimit: 4,
      retryDelay: 30,
      retryBackoff: true,
      deadLetter: DUNNING_QUEUES.dead,
    }),
    // Only the service's app role may connect to this database (CONNECT is revoked from PUBLIC).
    'GRANT USAGE ON SCHEMA pgboss TO PUBLIC',
    'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO PUBLIC',
  ],
  [
    'DROP SCHEMA pgboss CASCADE',
    'DROP TABLE dunning_schedules',
    'DROP TABLE dunning_templates',
    'DROP TABLE notification_deliveries',
    'DROP TABLE dunning_event_log',
    'DROP TABLE dunning_events',
    'DROP TABLE dunning_runs',
  ],
);
