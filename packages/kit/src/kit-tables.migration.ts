import { tenantRlsSql } from './db';
import { sqlMigration } from './sql-migration';

/**
 * The tables the kit itself needs in every service database: outbox, inbox, idempotency keys and
 * audit events. Each is tenant-owned with forced RLS. The outbox relay reads across tenants by
 * setting `app.outbox_relay` (a transaction-local flag only the relay sets); nothing else does.
 */
export const KitTables1763800000000 = sqlMigration(
  'KitTables1763800000000',
  [
    `CREATE TABLE outbox (
      id bigserial PRIMARY KEY,
      tenant_id text NOT NULL,
      event_id uuid NOT NULL UNIQUE,
      topic text NOT NULL,
      partition_key text NOT NULL,
      type text NOT NULL,
      source text NOT NULL,
      subject text NOT NULL,
      data jsonb NOT NULL,
      traceparent text,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`,
    ...tenantRlsSql('outbox', `current_setting('app.outbox_relay', true) = 'on'`),
    // Wake the relay on commit (NOTIFY is delivered only when the inserting transaction commits).
    `CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN PERFORM pg_notify('outbox', ''); RETURN NULL; END $$`,
    `CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`,
    `CREATE TABLE inbox (
      consumer text NOT NULL,
      event_id uuid NOT NULL,
      tenant_id text NOT NULL,
      type text NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id)
    )`,
    ...tenantRlsSql('inbox'),
    `CREATE TABLE idempotency_keys (
      tenant_id text NOT NULL,
      operation text NOT NULL,
      key text NOT NULL,
      fingerprint text NOT NULL,
      result jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, operation, key)
    )`,
    ...tenantRlsSql('idempotency_keys'),
    `CREATE TABLE audit_events (
      id bigserial PRIMARY KEY,
      tenant_id text NOT NULL,
      actor text NOT NULL,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id text NOT NULL,
      before jsonb,
      after jsonb,
      trace_id text,
      request_id text,
      occurred_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX audit_events_entity ON audit_events (tenant_id, entity_type, entity_id, id)`,
    ...tenantRlsSql('audit_events'),
  ],
  ['DROP TABLE IF EXISTS audit_events', 'DROP TABLE IF EXISTS idempotency_keys', 'DROP TABLE IF EXISTS inbox', 'DROP TABLE IF EXISTS outbox', 'DROP FUNCTION IF EXISTS outbox_notify()'],
);
