import { sqlMigration, tenantRlsSql } from '@commonhold/kit';

/**
 * Historical import (jobs, their validation report, the staged rows, contact external ids) and the
 * index the fundraising dashboard reads gifts through. See docs/runbooks/imports.md and
 * docs/fundraising/dashboard.md.
 */
export const FundraisingImport1763800000500 = sqlMigration(
  'FundraisingImport1763800000500',
  [
    `CREATE TABLE import_jobs (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      file_name text NOT NULL,
      file_sha256 text NOT NULL,
      status text NOT NULL CHECK (status IN ('VALIDATED', 'RUNNING', 'COMPLETED', 'FAILED')),
      dry_run boolean NOT NULL,
      skip_invalid_rows boolean NOT NULL DEFAULT false,
      total_rows int NOT NULL,
      valid_rows int NOT NULL,
      invalid_rows int NOT NULL,
      chunk_size int NOT NULL,
      chunks_total int NOT NULL,
      -- Chunks are imported strictly in order; this is the first one not yet committed.
      next_chunk int NOT NULL DEFAULT 0,
      imported_gifts int NOT NULL DEFAULT 0,
      already_imported_gifts int NOT NULL DEFAULT 0,
      created_contacts int NOT NULL DEFAULT 0,
      matched_contacts int NOT NULL DEFAULT 0,
      -- Codes the file names that do not exist yet (created by the import): {campaigns, appeals, funds}.
      new_references jsonb NOT NULL DEFAULT '{}',
      last_error text,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      completed_at timestamptz
    )`,
    `CREATE INDEX import_jobs_page ON import_jobs (tenant_id, created_at DESC, id DESC)`,
    ...tenantRlsSql('import_jobs'),

    `CREATE TABLE import_row_errors (
      tenant_id text NOT NULL,
      job_id uuid NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
      seq int NOT NULL,
      row_number int NOT NULL,
      field text NOT NULL,
      message text NOT NULL,
      PRIMARY KEY (job_id, seq)
    )`,
    ...tenantRlsSql('import_row_errors'),

    // The valid rows of a job, normalised, one JSON array per chunk (staging 50,000 rows is then
    // ten values, not 50,000 indexed tuples). A row's gift is the gift with source IMPORT and the
    // row's external_id.
    `CREATE TABLE import_chunks (
      tenant_id text NOT NULL,
      job_id uuid NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
      chunk int NOT NULL,
      row_count int NOT NULL,
      rows json NOT NULL,
      PRIMARY KEY (job_id, chunk)
    )`,
    // Written once, read once: not worth compressing.
    `ALTER TABLE import_chunks ALTER COLUMN rows SET STORAGE EXTERNAL`,
    ...tenantRlsSql('import_chunks'),

    // The contact each donor of a job was matched to or created as (donors span chunks).
    `CREATE TABLE import_job_donors (
      tenant_id text NOT NULL,
      job_id uuid NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
      donor_key text NOT NULL,
      contact_id uuid NOT NULL,
      matched_by text NOT NULL CHECK (matched_by IN ('PREVIOUS_IMPORT', 'CONTACT_EXTERNAL_ID', 'EMAIL', 'NAME_POSTCODE', 'CREATED')),
      PRIMARY KEY (job_id, donor_key)
    )`,
    ...tenantRlsSql('import_job_donors'),
    // Contacts that received gifts in a job: their rollups are recomputed once, when the last chunk commits.
    `CREATE TABLE import_job_touched (
      tenant_id text NOT NULL,
      job_id uuid NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
      contact_id uuid NOT NULL,
      PRIMARY KEY (job_id, contact_id)
    )`,
    ...tenantRlsSql('import_job_touched'),

    // A source system's contact id → our contact (kept across imports).
    `CREATE TABLE import_contact_refs (
      tenant_id text NOT NULL,
      external_id text NOT NULL,
      contact_id uuid NOT NULL REFERENCES contacts (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, external_id)
    )`,
    ...tenantRlsSql('import_contact_refs'),

    // Donor matching keys. Under forced RLS a predicate with a function that is not LEAKPROOF
    // (lower()) cannot be an index condition, so matching on lower(email) would scan the tenant's
    // contacts once per row; stored keys compared with plain text equality keep it an index probe.
    `ALTER TABLE contacts
      ADD COLUMN match_email text GENERATED ALWAYS AS (lower(email)) STORED,
      ADD COLUMN match_name_postcode text GENERATED ALWAYS AS (
        CASE WHEN kind = 'ORGANISATION' THEN 'o|' || lower(organisation_name) ELSE 'p|' || lower(coalesce(first_name, '')) || '|' || lower(last_name) END
        || '|' || postcode) STORED`,
    `CREATE INDEX contacts_match_email ON contacts (tenant_id, match_email) WHERE match_email IS NOT NULL AND erased_at IS NULL AND merged_into_id IS NULL`,
    `CREATE INDEX contacts_match_name_postcode ON contacts (tenant_id, match_name_postcode)
       WHERE match_name_postcode IS NOT NULL AND erased_at IS NULL AND merged_into_id IS NULL`,

    // Dashboard: every aggregate reads gifts of one currency in a date range; the included columns
    // make those index-only scans.
    `CREATE INDEX gifts_dashboard ON gifts (tenant_id, currency, received_at)
       INCLUDE (amount_minor, refunded_minor, kind, contact_id, campaign_id, appeal_id)`,
  ],
  [
    'DROP INDEX gifts_dashboard',
    'DROP INDEX contacts_match_name_postcode',
    'DROP INDEX contacts_match_email',
    'ALTER TABLE contacts DROP COLUMN match_name_postcode, DROP COLUMN match_email',
    'DROP TABLE import_contact_refs', 'DROP TABLE import_job_touched', 'DROP TABLE import_job_donors',
    'DROP TABLE import_chunks',
    'DROP TABLE import_row_errors', 'DROP TABLE import_jobs',
  ],
);
