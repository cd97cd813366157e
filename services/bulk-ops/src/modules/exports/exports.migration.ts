import { scopeRlsSql, sqlMigration, tenantRlsSql } from '@commonhold/kit';

/**
 * Exported files (balances or a job's charges, CSV or XLSX), kept with their hash so a signed link
 * downloads exactly what was made. Fenced by building scope like the jobs.
 */
export const CreateBulkExports1796600000100 = sqlMigration(
  'CreateBulkExports1796600000100',
  [
    `CREATE TABLE bulk_exports (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL,
      job_id uuid REFERENCES bulk_jobs (id),
      dataset text NOT NULL CHECK (dataset IN ('balances', 'charges')),
      format text NOT NULL CHECK (format IN ('csv', 'xlsx')),
      filename text NOT NULL,
      content_type text NOT NULL,
      content bytea NOT NULL,
      rows integer NOT NULL,
      sha256 text NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    ...tenantRlsSql('bulk_exports'),
    ...scopeRlsSql('bulk_exports', { building: 'building_id' }),
  ],
  ['DROP TABLE bulk_exports'],
);
