import { scopeRlsSql, sqlMigration, tenantRlsSql } from '@commonhold/kit';

/**
 * The receivables ledger: append-only entries per apartment. Signed amounts in minor units:
 * a debit (charge, debit adjustment) is positive, a credit (payment, credit adjustment) negative, a
 * reversal the negation of the entry it reverses. A trigger refuses UPDATE, DELETE and TRUNCATE, so
 * not even a bug or a hand-typed query edits history in place.
 * Bank statements and their lines (the unmatched ones are the office's queue) sit beside it.
 * Rows are fenced by building and apartment scope like the apartments they belong to.
 */
export const CreateLedger1796495271200 = sqlMigration(
  'CreateLedger1796495271200',
  [
    `CREATE TABLE ledger_entries (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL REFERENCES buildings (id),
      apartment_id uuid NOT NULL REFERENCES apartments (id),
      seq bigint GENERATED ALWAYS AS IDENTITY,
      kind text NOT NULL CHECK (kind IN ('charge', 'payment', 'adjustment', 'reversal')),
      subtype text NOT NULL,
      amount_minor bigint NOT NULL CHECK (amount_minor <> 0),
      currency text NOT NULL,
      booked_on date NOT NULL,
      due_on date,
      reverses_id uuid UNIQUE REFERENCES ledger_entries (id),
      description text,
      source text,
      source_ref text,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (kind <> 'charge' OR (amount_minor > 0 AND due_on IS NOT NULL AND subtype IN ('common_expense', 'recurring', 'one_off', 'late_fee'))),
      CHECK (kind <> 'payment' OR (amount_minor < 0 AND subtype IN ('manual', 'bank_file', 'provider'))),
      CHECK (kind <> 'adjustment' OR (subtype IN ('debit', 'credit') AND (subtype = 'debit') = (amount_minor > 0) AND (amount_minor < 0 OR due_on IS NOT NULL))),
      CHECK ((kind = 'reversal') = (reverses_id IS NOT NULL))
    )`,
    'CREATE INDEX ledger_entries_apartment ON ledger_entries (tenant_id, apartment_id, seq)',
    'CREATE INDEX ledger_entries_building ON ledger_entries (tenant_id, building_id, apartment_id)',
    'CREATE UNIQUE INDEX ledger_entries_source ON ledger_entries (tenant_id, source, source_ref) WHERE source_ref IS NOT NULL',
    ...tenantRlsSql('ledger_entries'),
    ...scopeRlsSql('ledger_entries', { building: 'building_id', apartment: 'apartment_id' }),
    `CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'ledger entries are append-only: % refused (post an adjustment or a reversal)', TG_OP USING ERRCODE = 'restrict_violation';
     END $$`,
    `CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()`,
    `CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only()`,
    `CREATE TABLE bank_statements (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      format text NOT NULL CHECK (format IN ('csv', 'camt053')),
      file_sha256 text NOT NULL,
      filename text,
      line_count integer NOT NULL,
      matched_count integer NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, file_sha256)
    )`,
    ...tenantRlsSql('bank_statements'),
    // A statement spans buildings: only the office (global scope) imports and sees them.
    ...scopeRlsSql('bank_statements', {}),
    `CREATE TABLE bank_lines (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      statement_id uuid NOT NULL REFERENCES bank_statements (id),
      line_no integer NOT NULL,
      booked_on date NOT NULL,
      amount_minor bigint NOT NULL,
      currency text NOT NULL,
      reference text,
      counterparty text,
      bank_tx_id text,
      status text NOT NULL CHECK (status IN ('matched', 'unmatched', 'resolved', 'ignored', 'duplicate')),
      reason text,
      building_id uuid REFERENCES buildings (id),
      apartment_id uuid REFERENCES apartments (id),
      entry_id uuid REFERENCES ledger_entries (id),
      resolved_by text,
      resolved_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX bank_lines_queue ON bank_lines (tenant_id, status, created_at DESC, id DESC)',
    'CREATE UNIQUE INDEX bank_lines_tx ON bank_lines (tenant_id, bank_tx_id) WHERE bank_tx_id IS NOT NULL AND status <> \'duplicate\'',
    ...tenantRlsSql('bank_lines'),
    // Matched lines are visible in their building's scope; the unmatched queue only to the office.
    ...scopeRlsSql('bank_lines', { building: 'building_id', apartment: 'apartment_id' }),
  ],
  ['DROP TABLE bank_lines', 'DROP TABLE bank_statements', 'DROP TABLE ledger_entries', 'DROP FUNCTION ledger_entries_append_only()'],
);
