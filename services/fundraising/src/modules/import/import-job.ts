import { badInput } from '@commonhold/kit/domain';
import type { ImportRow } from './csv-format';

/** An import job's rules, without storage (import.store.ts runs them against the database). */

export const DEFAULT_CHUNK_SIZE = 10_000;
/** Rows per chunk (one transaction each) for new jobs; tests lower it to exercise resuming. */
export const importTuning = { chunkSize: DEFAULT_CHUNK_SIZE };
/** Rows per file (the HTTP route's body limit allows ~64 MB). */
export const MAX_IMPORT_ROWS = 100_000;
export interface ImportJobRow {
  id: string;
  tenant_id: string;
  file_name: string;
  file_sha256: string;
  status: 'VALIDATED' | 'RUNNING' | 'COMPLETED' | 'FAILED';
  dry_run: boolean;
  skip_invalid_rows: boolean;
  total_rows: number;
  valid_rows: number;
  invalid_rows: number;
  chunk_size: number;
  chunks_total: number;
  next_chunk: number;
  imported_gifts: number;
  already_imported_gifts: number;
  created_contacts: number;
  matched_contacts: number;
  new_references: { campaigns?: string[]; appeals?: string[]; funds?: string[] };
  last_error: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

/** The file name and CSV text of a new import, trimmed name; BAD_USER_INPUT naming the field otherwise. */
export function validateImportFile(fileName: unknown, csv: unknown): { fileName: string; csv: string } {
  if (typeof fileName !== 'string' || !fileName.trim()) throw badInput('input.fileName', 'fileName must not be blank');
  if (fileName.trim().length > 200) throw badInput('input.fileName', 'fileName must be at most 200 characters');
  if (typeof csv !== 'string' || !csv.trim()) throw badInput('input.csv', 'csv must hold the file (a header row and data rows)');
  return { fileName: fileName.trim(), csv };
}

/** The distinct campaign, appeal and fund codes the rows name, per reference table. */
export function referenceCodes(rows: ImportRow[]): (readonly ['campaigns' | 'appeals' | 'funds', string[]])[] {
  const distinct = (pick: (r: ImportRow) => string | null) => [...new Set(rows.map(pick).filter((c): c is string => !!c))];
  return [
    ['campaigns', distinct((r) => r.campaignCode)],
    ['appeals', distinct((r) => r.appealCode)],
    ['funds', distinct((r) => r.fundCode)],
  ] as const;
}

/**
 * Whether a (not yet COMPLETED) job may run, and with skipInvalidRows from now on: a job with invalid
 * rows runs only when the job or this request skips them.
 */
export function mayRun(job: Pick<ImportJobRow, 'skip_invalid_rows' | 'invalid_rows' | 'valid_rows'>, skipInvalidRows: unknown): boolean {
  const skip = job.skip_invalid_rows || Boolean(skipInvalidRows);
  if (job.invalid_rows > 0 && !skip) {
    throw badInput(
      'input.skipInvalidRows',
      `the file has ${job.invalid_rows} invalid row(s): fix them and start a new import, or set skipInvalidRows: true to import only the ${job.valid_rows} valid row(s)`,
    );
  }
  return skip;
}

/** The JSON a chunk's rows are staged as (keys are the work table's columns). */
export function stagedRow(r: ImportRow) {
  return {
    row_number: r.rowNumber,
    donor_key: r.donorKey,
    external_id: r.externalId,
    contact_external_id: r.contactExternalId,
    kind: r.kind,
    title: r.title,
    first_name: r.firstName,
    last_name: r.lastName,
    organisation_name: r.organisationName,
    email: r.email,
    house_name_or_number: r.houseNameOrNumber,
    address_line1: r.addressLine1,
    address_line2: r.addressLine2,
    city: r.city,
    postcode: r.postcode,
    country: r.country,
    amount_minor: r.amountMinor,
    currency: r.currency,
    received_at: r.receivedAt,
    payment_method: r.paymentMethod,
    campaign_code: r.campaignCode,
    appeal_code: r.appealCode,
    fund_code: r.fundCode,
  };
}
