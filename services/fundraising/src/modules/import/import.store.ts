import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, isUuid, notFound, producerOf, writeAudit, type EventRegistry, type Logger } from '@commonhold/kit';
import { CONTACT_CREATED } from '../contacts';
import { recomputeRollups } from '../gifts';
import { loadSettings } from '../../shared/settings.store';
import { chunkCount, parseImportCsv, type ImportRow, type RowError } from './csv-format';
import { importTuning, MAX_IMPORT_ROWS, mayRun, referenceCodes, stagedRow, validateImportFile, type ImportJobRow } from './import-job';

export { DEFAULT_CHUNK_SIZE, importTuning, MAX_IMPORT_ROWS, type ImportJobRow } from './import-job';

/** Runs `fn` in one tenant transaction (`ctx.tx`, or `withTenant(ds, tenantId, …)`). */
export type Tx = <T>(fn: (m: EntityManager) => Promise<T>) => Promise<T>;

const STAGE_BATCH = 10_000;

/**
 * Test hook: called inside each chunk's transaction after all its work and before it commits.
 * A hook that throws rolls the chunk back, exactly as a crash before COMMIT would.
 */
export const importFaults: { beforeChunkCommit?: (jobId: string, chunk: number) => void } = {};

export interface StageImportCommand {
  tenantId: string;
  actor: string;
  fileName: unknown;
  csv: unknown;
  dryRun: boolean;
  skipInvalidRows?: boolean;
  chunkSize?: number;
  now?: Date;
}

/**
 * Dry run: parses and validates every row, stores the report (`import_row_errors`) and stages the
 * valid rows (`import_chunks`, set-based), and creates the job VALIDATED. Writes no contact or gift.
 */
export async function stageImport(m: EntityManager, cmd: StageImportCommand): Promise<string> {
  const { fileName, csv } = validateImportFile(cmd.fileName, cmd.csv);
  const chunkSize = cmd.chunkSize ?? importTuning.chunkSize;
  const settings = await loadSettings(m);
  const parsed = parseImportCsv(csv, { defaultCurrency: settings.defaultCurrency, now: cmd.now ?? new Date(), maxRows: MAX_IMPORT_ROWS });
  const id = randomUUID();
  const newReferences = await missingReferences(m, parsed.rows);
  const invalidRows = new Set(parsed.errors.map((e) => e.rowNumber)).size;
  await m.query(
    `INSERT INTO import_jobs (id, tenant_id, file_name, file_sha256, status, dry_run, skip_invalid_rows, total_rows, valid_rows, invalid_rows, chunk_size, chunks_total, new_references, created_by)
     VALUES ($1, $2, $3, $4, 'VALIDATED', $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13)`,
    [
      id,
      cmd.tenantId,
      fileName,
      createHash('sha256').update(csv).digest('hex'),
      cmd.dryRun,
      Boolean(cmd.skipInvalidRows),
      parsed.totalRows,
      parsed.rows.length,
      invalidRows,
      chunkSize,
      chunkCount(parsed.rows.length, chunkSize),
      JSON.stringify(newReferences),
      cmd.actor,
    ],
  );
  await insertErrors(m, cmd.tenantId, id, parsed.errors);
  await stageChunks(m, cmd.tenantId, id, parsed.rows, chunkSize);
  return id;
}

async function missingReferences(m: EntityManager, rows: ImportRow[]) {
  const out: Record<string, string[]> = {};
  for (const [table, codes] of referenceCodes(rows)) {
    if (!codes.length) continue;
    const existing: { code: string }[] = await m.query(`SELECT code FROM ${table} WHERE code = ANY($1::text[])`, [codes]);
    const have = new Set(existing.map((e) => e.code));
    const missing = codes.filter((c) => !have.has(c)).sort();
    if (missing.length) out[table] = missing;
  }
  return out;
}

async function insertErrors(m: EntityManager, tenantId: string, jobId: string, errors: RowError[]) {
  for (let i = 0; i < errors.length; i += STAGE_BATCH) {
    const batch = errors.slice(i, i + STAGE_BATCH);
    await m.query(
      `INSERT INTO import_row_errors (tenant_id, job_id, seq, row_number, field, message)
       SELECT $1, $2, s, r, f, msg FROM unnest($3::int[], $4::int[], $5::text[], $6::text[]) AS u(s, r, f, msg)`,
      [tenantId, jobId, batch.map((_, j) => i + j), batch.map((e) => e.rowNumber), batch.map((e) => e.field), batch.map((e) => e.message)],
    );
  }
}

/** Stages the valid rows, one JSON value per chunk (COPY is refused on tables with RLS). */
async function stageChunks(m: EntityManager, tenantId: string, jobId: string, rows: ImportRow[], chunkSize: number) {
  for (let c = 0; c * chunkSize < rows.length; c++) {
    const chunk = rows.slice(c * chunkSize, (c + 1) * chunkSize);
    await m.query(`INSERT INTO import_chunks (tenant_id, job_id, chunk, row_count, rows) VALUES ($1, $2, $3, $4, $5::json)`, [
      tenantId,
      jobId,
      c,
      chunk.length,
      JSON.stringify(chunk.map(stagedRow)),
    ]);
  }
}

/** Loads a job of the caller's tenant; a missing id and another tenant's id are both NOT_FOUND. */
export async function loadJob(m: EntityManager, field: string, jobId: unknown, lock = false): Promise<ImportJobRow> {
  if (!isUuid(jobId)) throw notFound(field, `No import job ${String(jobId)}`);
  const [job] = await m.query(`SELECT * FROM import_jobs WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [jobId]);
  if (!job) throw notFound(field, `No import job ${jobId}`);
  return job;
}

/**
 * Checks a job may run and marks it RUNNING (VALIDATED → RUNNING; a RUNNING or FAILED job is
 * resumed; COMPLETED stays as it is). A job with invalid rows runs only with skipInvalidRows.
 */
export async function claimImport(m: EntityManager, jobId: unknown, opts: { skipInvalidRows?: boolean } = {}): Promise<ImportJobRow> {
  const job = await loadJob(m, 'input.jobId', jobId, true);
  if (job.status === 'COMPLETED') return job;
  const skip = mayRun(job, opts.skipInvalidRows);
  // (TypeORM answers an UPDATE … RETURNING with [rows, rowCount].)
  const [[updated]] = await m.query(
    `UPDATE import_jobs SET status = 'RUNNING', skip_invalid_rows = $2, last_error = NULL, started_at = coalesce(started_at, now()), updated_at = now()
     WHERE id = $1 RETURNING *`,
    [job.id, skip],
  );
  return updated;
}

export interface RunDeps {
  tx: Tx;
  registry: EventRegistry;
  tenantId: string;
  actor: string;
  log?: Logger;
}

/**
 * Imports a claimed job chunk by chunk, one transaction per chunk, in file order, until it is
 * COMPLETED. Safe to call again at any time (after a crash, concurrently): each chunk locks the
 * job row and only the job's `next_chunk` is ever imported, so a chunk commits exactly once.
 * A chunk that fails leaves the job FAILED with the error; calling this again resumes it.
 */
export async function runImport(deps: RunDeps, jobId: string): Promise<ImportJobRow> {
  for (;;) {
    let done: boolean;
    try {
      done = await deps.tx((m) => importNextChunk(m, deps, jobId));
    } catch (err) {
      if (err instanceof AppError) throw err;
      const e = err as { code?: string; message?: string };
      deps.log?.error({ err, jobId }, 'import chunk failed');
      // The chunk rolled back: next_chunk still names it.
      await deps.tx((m) =>
        m.query(
          `UPDATE import_jobs SET status = 'FAILED', updated_at = now(),
             last_error = 'chunk ' || (next_chunk + 1) || ' of ' || chunks_total || ' failed: ' || $2 || '; run the import again to resume'
           WHERE id = $1 AND status <> 'COMPLETED'`,
          [jobId, `${e.code ? `(${e.code}) ` : ''}${String(e.message ?? err).slice(0, 300)}`],
        ),
      );
      return deps.tx((m) => loadJob(m, 'input.jobId', jobId));
    }
    if (done) return deps.tx((m) => loadJob(m, 'input.jobId', jobId));
  }
}

/** Imports the job's next chunk in the caller's transaction; true when nothing is left. */
async function importNextChunk(m: EntityManager, deps: RunDeps, jobId: string): Promise<boolean> {
  const { tenantId } = deps;
  const job = await loadJob(m, 'input.jobId', jobId, true);
  if (job.status === 'COMPLETED') return true;
  if (job.status === 'VALIDATED') throw new AppError('CONFLICT', `import job ${jobId} has not been started`, { field: 'input.jobId' });
  const chunk = job.next_chunk;
  if (chunk < job.chunks_total) await importChunk(m, deps, job, chunk);
  const last = chunk + 1 >= job.chunks_total;
  const [[after]]: [ImportJobRow[], number] = await m.query(
    `UPDATE import_jobs SET next_chunk = least(next_chunk + 1, chunks_total), status = CASE WHEN $2 THEN 'COMPLETED' ELSE 'RUNNING' END,
       completed_at = CASE WHEN $2 THEN now() END, last_error = NULL, updated_at = now()
     WHERE id = $1 RETURNING *`,
    [jobId, last],
  );
  if (last) {
    const touched: { contact_id: string }[] = await m.query(`SELECT contact_id FROM import_job_touched WHERE job_id = $1`, [jobId]);
    await recomputeRollups(m, tenantId, { contactIds: touched.map((t) => t.contact_id) });
    // One audit row per import (a financial bulk change), with its counts, not one per gift.
    await writeAudit(m, {
      tenantId,
      actor: deps.actor,
      action: 'import.completed',
      entityType: 'FundraisingImport',
      entityId: jobId,
      after: {
        fileName: after!.file_name,
        fileSha256: after!.file_sha256,
        totalRows: after!.total_rows,
        validRows: after!.valid_rows,
        invalidRows: after!.invalid_rows,
        importedGifts: after!.imported_gifts,
        alreadyImportedGifts: after!.already_imported_gifts,
        createdContacts: after!.created_contacts,
        matchedContacts: after!.matched_contacts,
        newReferences: after!.new_references,
      },
    });
  }
  importFaults.beforeChunkCommit?.(jobId, chunk);
  return last;
}

/**
 * One chunk, set-based: copy its rows into a transaction-local work table, match donors to
 * contacts, create the rest (with households when enabled), create missing campaign/appeal/fund
 * codes, insert gifts (ON CONFLICT on the external ref: a gift is never imported twice) with their
 * fund allocations, recompute the touched contacts' rollups, announce created contacts, and record
 * each donor's contact for the job's later chunks.
 */
async function importChunk(m: EntityManager, deps: RunDeps, job: ImportJobRow, chunk: number) {
  const { tenantId } = deps;
  const settings = await loadSettings(m);
  await m.query(
    `CREATE TEMP TABLE import_work ON COMMIT DROP AS
     SELECT x.*,
            CASE WHEN x.kind = 'ORGANISATION' THEN 'o|' || lower(x.organisation_name) ELSE 'p|' || lower(coalesce(x.first_name, '')) || '|' || lower(x.last_name) END
              || '|' || x.postcode AS match_name_postcode,
            NULL::uuid AS contact_id, NULL::text AS contact_match, false AS creates_contact, NULL::uuid AS household_id
     FROM import_chunks c, json_to_recordset(c.rows) AS x(row_number int, donor_key text, external_id text, contact_external_id text, kind text,
       title text, first_name text, last_name text, organisation_name text, email text, house_name_or_number text, address_line1 text,
       address_line2 text, city text, postcode text, country text, amount_minor bigint, currency text, received_at timestamptz,
       payment_method text, campaign_code text, appeal_code text, fund_code text)
     WHERE c.job_id = $1 AND c.chunk = $2`,
    [job.id, chunk],
  );

  // Donor matching, strongest rule first, in one statement for the whole chunk. Each rule is an
  // index probe per row (LATERAL … LIMIT 1): linear in the chunk whatever the planner's statistics
  // say (a table an import has just filled has none yet).
  await m.query(
    `WITH candidates AS (
       SELECT w.donor_key, s.contact_id, 'SAME_FILE' AS how, 1 AS prio, w.row_number AS ord
         FROM import_work w CROSS JOIN LATERAL (
           SELECT d.contact_id FROM import_job_donors d WHERE d.job_id = $1 AND d.donor_key = w.donor_key) s
       UNION ALL
       SELECT w.donor_key, s.contact_id, 'PREVIOUS_IMPORT', 2, w.row_number
         FROM import_work w CROSS JOIN LATERAL (
           SELECT g.contact_id FROM gifts g WHERE g.tenant_id = $2 AND g.source = 'IMPORT' AND g.external_ref = w.external_id LIMIT 1) s
       UNION ALL
       SELECT w.donor_key, s.contact_id, 'CONTACT_EXTERNAL_ID', 3, w.row_number
         FROM import_work w CROSS JOIN LATERAL (
           SELECT coalesce(c.merged_into_id, c.id) AS contact_id FROM import_contact_refs x JOIN contacts c ON c.id = x.contact_id
           WHERE x.tenant_id = $2 AND x.external_id = w.contact_external_id AND c.erased_at IS NULL LIMIT 1) s
         WHERE w.contact_external_id IS NOT NULL
       UNION ALL
       SELECT w.donor_key, s.contact_id, 'EMAIL', 4, w.row_number
         FROM import_work w CROSS JOIN LATERAL (
           SELECT c.id AS contact_id FROM contacts c
           WHERE c.tenant_id = $2 AND c.match_email = w.email AND c.match_email IS NOT NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL
           ORDER BY c.created_at, c.id LIMIT 1) s
         WHERE w.email IS NOT NULL
       UNION ALL
       SELECT w.donor_key, s.contact_id, 'NAME_POSTCODE', 5, w.row_number
         FROM import_work w CROSS JOIN LATERAL (
           SELECT c.id AS contact_id FROM contacts c
           WHERE c.tenant_id = $2 AND c.match_name_postcode = w.match_name_postcode AND c.match_name_postcode IS NOT NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL
           ORDER BY c.created_at, c.id LIMIT 1) s
         WHERE w.match_name_postcode IS NOT NULL
     ),
     best AS (SELECT DISTINCT ON (donor_key) donor_key, contact_id, how FROM candidates ORDER BY donor_key, prio, ord)
     UPDATE import_work w SET contact_id = b.contact_id, contact_match = b.how FROM best b WHERE w.donor_key = b.donor_key`,
    [job.id, tenantId],
  );

  // Everyone else is a new contact: one per donor, from the donor's first row in this chunk.
  await m.query(
    `UPDATE import_work w SET contact_id = n.id, contact_match = 'CREATED', creates_contact = (w.row_number = n.first_row),
       household_id = CASE WHEN $1 AND w.kind = 'PERSON' AND w.row_number = n.first_row THEN n.household_id END
     FROM (SELECT donor_key, min(row_number) AS first_row, gen_random_uuid() AS id, gen_random_uuid() AS household_id
           FROM import_work WHERE contact_id IS NULL GROUP BY donor_key) n
     WHERE w.donor_key = n.donor_key`,
    [settings.householdsEnabled],
  );
  // A one-member household, named as householdNames() names it ("Smith Household", "Mr John Smith", "John").
  await m.query(
    `INSERT INTO households (id, tenant_id, name, formal_greeting, informal_greeting)
     SELECT household_id, $1, last_name || ' Household', concat_ws(' ', title, first_name, last_name), first_name
     FROM import_work WHERE household_id IS NOT NULL`,
    [tenantId],
  );
  await m.query(
    `INSERT INTO contacts (id, tenant_id, kind, title, first_name, last_name, organisation_name, email, house_name_or_number, address_line1,
       address_line2, city, postcode, country, household_id, created_at, updated_at)
     SELECT contact_id, $1, kind, title, first_name, last_name, organisation_name, email, house_name_or_number, address_line1,
       address_line2, city, postcode, country, household_id, now(), now()
     FROM import_work WHERE creates_contact`,
    [tenantId],
  );
  await m.query(
    `INSERT INTO import_contact_refs (tenant_id, external_id, contact_id)
     SELECT DISTINCT ON (contact_external_id) $1, contact_external_id, contact_id FROM import_work
     WHERE contact_external_id IS NOT NULL ORDER BY contact_external_id, row_number
     ON CONFLICT (tenant_id, external_id) DO NOTHING`,
    [tenantId],
  );

  // Campaign, appeal and fund codes the file names but the tenant lacks (named after their code;
  // a new appeal joins the campaign of its first row).
  await m.query(
    `INSERT INTO campaigns (id, tenant_id, code, name)
     SELECT gen_random_uuid(), $1, code, code FROM (SELECT DISTINCT campaign_code AS code FROM import_work WHERE campaign_code IS NOT NULL) s
     ON CONFLICT (tenant_id, code) DO NOTHING`,
    [tenantId],
  );
  await m.query(
    `INSERT INTO appeals (id, tenant_id, campaign_id, code, name)
     SELECT gen_random_uuid(), $1, ca.id, s.code, s.code
     FROM (SELECT DISTINCT ON (appeal_code) appeal_code AS code, campaign_code FROM import_work WHERE appeal_code IS NOT NULL ORDER BY appeal_code, row_number) s
     LEFT JOIN campaigns ca ON ca.tenant_id = $1 AND ca.code = s.campaign_code
     ON CONFLICT (tenant_id, code) DO NOTHING`,
    [tenantId],
  );
  await m.query(
    `INSERT INTO funds (id, tenant_id, code, name)
     SELECT gen_random_uuid(), $1, code, code FROM (SELECT DISTINCT fund_code AS code FROM import_work WHERE fund_code IS NOT NULL) s
     ON CONFLICT (tenant_id, code) DO NOTHING`,
    [tenantId],
  );

  // Gifts, once per external ref (a re-run or an overlapping file inserts nothing), and the whole
  // amount allocated to the row's fund. They are written rolled up: no event will carry them, and
  // the job's final recompute folds them in (marking them afterwards would rewrite every gift row).
  const inserted: { contact_id: string; gifts: number }[] = await m.query(
    `WITH ins AS (
       INSERT INTO gifts (id, tenant_id, contact_id, amount_minor, currency, received_at, kind, payment_method, campaign_id, appeal_id, source, external_ref, rolled_up)
       SELECT gen_random_uuid(), $1, w.contact_id, w.amount_minor, w.currency, w.received_at, 'ONE_OFF', w.payment_method, ca.id, ap.id, 'IMPORT', w.external_id, true
       FROM import_work w
       LEFT JOIN campaigns ca ON ca.tenant_id = $1 AND ca.code = w.campaign_code
       LEFT JOIN appeals ap ON ap.tenant_id = $1 AND ap.code = w.appeal_code
       ON CONFLICT (tenant_id, source, external_ref) WHERE external_ref IS NOT NULL DO NOTHING
       RETURNING id, external_ref, contact_id, amount_minor
     ),
     allocated AS (
       INSERT INTO gift_allocations (tenant_id, gift_id, fund_id, amount_minor)
       SELECT $1, ins.id, f.id, ins.amount_minor
       FROM ins JOIN import_work w ON w.external_id = ins.external_ref JOIN funds f ON f.tenant_id = $1 AND f.code = w.fund_code
     )
     SELECT contact_id, count(*)::int AS gifts FROM ins GROUP BY contact_id`,
    [tenantId],
  );

  // Contacts that received gifts: their rollups are recomputed once, from gifts (set-based), in the
  // transaction that commits the last chunk (a donor spread over chunks is recomputed once, not per
  // chunk). A crash before then leaves the job RUNNING/FAILED; resuming ends with the recompute.
  await m.query(
    `INSERT INTO import_job_touched (tenant_id, job_id, contact_id) SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
    [tenantId, job.id, inserted.map((t) => t.contact_id)],
  );

  // contact.created for new people (the contract is for persons), set-based into the outbox.
  await m.query(
    `INSERT INTO outbox (tenant_id, event_id, topic, partition_key, type, source, subject, data)
     SELECT $1, gen_random_uuid(), $2, contact_id::text, $3, $4, contact_id::text,
            jsonb_build_object('contactId', contact_id, 'firstName', first_name, 'lastName', last_name, 'email', email)
     FROM import_work WHERE creates_contact AND kind = 'PERSON'`,
    [tenantId, deps.registry.contract(CONTACT_CREATED).topic, CONTACT_CREATED, producerOf(CONTACT_CREATED)],
  );

  // Donors seen for the first time in this job (SAME_FILE ones are already there).
  await m.query(
    `INSERT INTO import_job_donors (tenant_id, job_id, donor_key, contact_id, matched_by)
     SELECT DISTINCT ON (donor_key) $1, $2, donor_key, contact_id, contact_match FROM import_work WHERE contact_match <> 'SAME_FILE'
     ORDER BY donor_key, row_number`,
    [tenantId, job.id],
  );
  const [counts] = await m.query(
    `SELECT count(*)::int AS rows, count(*) FILTER (WHERE creates_contact)::int AS created,
            count(DISTINCT contact_id) FILTER (WHERE contact_match NOT IN ('CREATED', 'SAME_FILE'))::int AS matched
     FROM import_work`,
  );
  counts.imported = inserted.reduce((n, t) => n + t.gifts, 0);
  counts.already = counts.rows - counts.imported;
  await m.query(
    `UPDATE import_jobs SET imported_gifts = imported_gifts + $2, already_imported_gifts = already_imported_gifts + $3,
       created_contacts = created_contacts + $4, matched_contacts = matched_contacts + $5 WHERE id = $1`,
    [job.id, counts.imported, counts.already, counts.created, counts.matched],
  );
}

/** A page of a job's validation report, by row then column. */
export async function jobErrors(m: EntityManager, jobId: string, afterSeq: number, limit: number): Promise<{ seq: number; row_number: number; field: string; message: string }[]> {
  return m.query(`SELECT seq, row_number, field, message FROM import_row_errors WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, [jobId, afterSeq, limit]);
}
