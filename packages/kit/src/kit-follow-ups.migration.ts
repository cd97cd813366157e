import { sqlMigration } from './sql-migration';

/**
 * Audit completeness (audit-check.ts), and an audit trail the application cannot rewrite.
 *
 * `kit_tenants`: the tenants a service has data for (ids only, no RLS: a tenant id is not a
 * secret inside its own service). A statement-level trigger on the tables every write path touches
 * (idempotency keys for API mutations, the outbox for every event, audit events) records the
 * transaction's `app.tenant_id`.
 */
export const KitAuditCheck1790000000100 = sqlMigration(
  'KitAuditCheck1790000000100',
  [
    `CREATE TABLE kit_tenants (tenant_id text PRIMARY KEY, first_seen timestamptz NOT NULL DEFAULT now())`,
    `CREATE FUNCTION kit_note_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF coalesce(current_setting('app.tenant_id', true), '') <> '' THEN
         INSERT INTO kit_tenants (tenant_id) VALUES (current_setting('app.tenant_id', true)) ON CONFLICT DO NOTHING;
       END IF;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER idempotency_keys_note_tenant AFTER INSERT ON idempotency_keys FOR EACH STATEMENT EXECUTE FUNCTION kit_note_tenant()`,
    `CREATE TRIGGER outbox_note_tenant AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION kit_note_tenant()`,
    `CREATE TRIGGER audit_events_note_tenant AFTER INSERT ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION kit_note_tenant()`,
    // The audit trail is append-only for the application: no row is deleted, and only the content
    // (before/after) may change, which GDPR erasure redacts. Who, what, which entity, when and the
    // trace id stay as written.
    `CREATE FUNCTION kit_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = 'DELETE' THEN
         RAISE EXCEPTION 'audit_events is append-only: rows cannot be deleted' USING ERRCODE = 'insufficient_privilege';
       END IF;
       IF (NEW.id, NEW.tenant_id, NEW.actor, NEW.action, NEW.entity_type, NEW.entity_id, NEW.trace_id, NEW.request_id, NEW.occurred_at)
          IS DISTINCT FROM (OLD.id, OLD.tenant_id, OLD.actor, OLD.action, OLD.entity_type, OLD.entity_id, OLD.trace_id, OLD.request_id, OLD.occurred_at) THEN
         RAISE EXCEPTION 'audit_events is append-only: only before/after may be redacted' USING ERRCODE = 'insufficient_privilege';
       END IF;
       RETURN NEW;
     END $$`,
    `CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION kit_audit_append_only()`,
  ],
  [
    'DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events',
    'DROP FUNCTION IF EXISTS kit_audit_append_only()',
    'DROP TRIGGER IF EXISTS audit_events_note_tenant ON audit_events',
    'DROP TRIGGER IF EXISTS outbox_note_tenant ON outbox',
    'DROP TRIGGER IF EXISTS idempotency_keys_note_tenant ON idempotency_keys',
    'DROP FUNCTION IF EXISTS kit_note_tenant()',
    'DROP TABLE IF EXISTS kit_tenants',
  ],
);

/** Data keys, wrapped; one current (not retired) per tenant. */
export const KitSecrets1790000000200 = sqlMigration(
  'KitSecrets1790000000200',
  [
    `CREATE TABLE kit_data_keys (
      tenant_id text NOT NULL,
      id uuid PRIMARY KEY,
      kek_id text NOT NULL,
      wrapped text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      retired_at timestamptz
    )`,
    `CREATE UNIQUE INDEX kit_data_keys_current ON kit_data_keys (tenant_id) WHERE retired_at IS NULL`,
    `CREATE TRIGGER kit_data_keys_note_tenant AFTER INSERT ON kit_data_keys FOR EACH STATEMENT EXECUTE FUNCTION kit_note_tenant()`,
    // tenantRlsSql('kit_data_keys'), spelled out: db.ts loads the kit's migrations, so this file cannot import it.
    `ALTER TABLE kit_data_keys ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE kit_data_keys FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY kit_data_keys_tenant_isolation ON kit_data_keys USING (tenant_id = current_setting('app.tenant_id', true)) WITH CHECK (tenant_id = current_setting('app.tenant_id', true))`,
  ],
  ['DROP TABLE IF EXISTS kit_data_keys'],
);
