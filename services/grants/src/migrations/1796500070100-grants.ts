import PgBoss from 'pg-boss';
import { sqlMigration, tenantRlsSql } from '@commonhold/kit';
import { deliveryTableSql } from '@commonhold/notifications/pg';

/** The pg-boss queues of grants (created here, as the owner: the app role holds no DDL rights). */
export const GRANTS_QUEUES = {
  /** The cron tick: due reminders and renewal nudges of every tenant. */
  tick: 'grants-tick',
  /** One job per reminder: delivery with retries and backoff, then the dead-letter queue. */
  reminder: 'grants-reminder',
  dead: 'grants-reminder-dead',
} as const;

/** pg-boss's own schema, without its BEGIN/COMMIT: the migration runs in TypeORM's transaction. */
const pgBossSchema = PgBoss.getConstructionPlans('pgboss')
  .trim()
  .replace(/^BEGIN;/, '')
  .replace(/COMMIT;\s*$/, '');
const queue = (name: string, options: Record<string, unknown>) => `SELECT pgboss.create_queue('${name}', '${JSON.stringify({ policy: 'standard', ...options })}'::json)`;
/** The tick reads every tenant's due work; only it sets app.grants_scheduler. */
const SCHEDULER = `current_setting('app.grants_scheduler', true) = 'on'`;

/**
 * grants' tables: applications (OFM funding requests) with their funder (a fundraising Contact id)
 * and opportunity, requirements/deliverables with due dates and reminders, disbursements, the
 * notification delivery records, and pg-boss. Money in bigint minor units; RLS by tenant.
 */
export const CreateGrants1796500070100 = sqlMigration(
  'CreateGrants1796500070100',
  [
    `CREATE TABLE grant_requests (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      name text NOT NULL,
      funder_contact_id uuid NOT NULL,
      opportunity_id uuid,
      fund_code text,
      status text NOT NULL CHECK (status IN ('INVITED', 'IN_PROGRESS', 'SUBMITTED', 'IN_REVIEW', 'REVIEWED', 'AWARDED', 'FULLY_DISBURSED', 'CLOSED', 'REJECTED', 'WITHDRAWN')),
      currency char(3) NOT NULL,
      requested_minor bigint NOT NULL CHECK (requested_minor > 0),
      awarded_minor bigint CHECK (awarded_minor > 0),
      awarded_on date,
      start_date date,
      end_date date,
      renewal_of_id uuid REFERENCES grant_requests (id),
      closed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (status NOT IN ('AWARDED', 'FULLY_DISBURSED', 'CLOSED') OR awarded_minor IS NOT NULL)
    )`,
    'CREATE INDEX grant_requests_page ON grant_requests (tenant_id, created_at DESC, id DESC)',
    'CREATE INDEX grant_requests_status ON grant_requests (tenant_id, status)',
    // One renewal per grant, however often the nudge runs.
    'CREATE UNIQUE INDEX grant_requests_renewal ON grant_requests (tenant_id, renewal_of_id) WHERE renewal_of_id IS NOT NULL',
    ...tenantRlsSql('grant_requests', SCHEDULER),
    `CREATE TABLE grant_requirements (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      request_id uuid NOT NULL REFERENCES grant_requests (id),
      type text NOT NULL CHECK (type IN ('LETTER_OF_INTENT', 'PRELIMINARY_APPLICATION', 'FINAL_APPLICATION', 'REVIEW', 'PANEL_REVIEW', 'CONTRACT', 'REPORT', 'OUTCOME')),
      name text NOT NULL,
      due_date date NOT NULL,
      final_report boolean NOT NULL DEFAULT false CHECK (NOT final_report OR type = 'REPORT'),
      status text NOT NULL CHECK (status IN ('OPEN', 'SUBMITTED', 'APPROVED')),
      remind_days_before int NOT NULL CHECK (remind_days_before BETWEEN 0 AND 365),
      reminder_email text,
      reminded_at timestamptz,
      approved_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX grant_requirements_request ON grant_requirements (tenant_id, request_id)',
    'CREATE INDEX grant_requirements_due ON grant_requirements (tenant_id, due_date) WHERE status <> \'APPROVED\'',
    ...tenantRlsSql('grant_requirements', SCHEDULER),
    `CREATE TABLE grant_disbursements (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      request_id uuid NOT NULL REFERENCES grant_requests (id),
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      currency char(3) NOT NULL,
      scheduled_date date NOT NULL,
      status text NOT NULL CHECK (status IN ('SCHEDULED', 'PENDING_APPROVAL', 'APPROVED', 'PAID', 'CANCELLED')),
      paid_on date CHECK ((status = 'PAID') = (paid_on IS NOT NULL)),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX grant_disbursements_request ON grant_disbursements (tenant_id, request_id)',
    ...tenantRlsSql('grant_disbursements'),
    ...deliveryTableSql(),
    pgBossSchema,
    queue(GRANTS_QUEUES.dead, { retentionMinutes: 60 * 24 * 14 }),
    queue(GRANTS_QUEUES.tick, { retryLimit: 0 }),
    queue(GRANTS_QUEUES.reminder, { retryLimit: 4, retryDelay: 30, retryBackoff: true, deadLetter: GRANTS_QUEUES.dead }),
    'GRANT USAGE ON SCHEMA pgboss TO PUBLIC',
    'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO PUBLIC',
  ],
  ['DROP SCHEMA pgboss CASCADE', 'DROP TABLE notification_deliveries', 'DROP TABLE grant_disbursements', 'DROP TABLE grant_requirements', 'DROP TABLE grant_requests'],
);
