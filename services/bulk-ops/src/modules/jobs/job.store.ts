import type { EntityManager } from 'typeorm';
import type { BuildingImpact, PreviewItem, ValidationIssue } from './preview';

/** Reads and writes of templates, jobs, items and errors; tenantId first; RLS fences tenant and scope. */

export interface TemplateRow {
  id: string;
  building_id: string;
  /** Every building of the template's scope (building_id is the first). */
  building_ids: string[];
  name: string;
  action: string;
  parameters: Record<string, unknown>;
  created_by: string;
  created_at: Date;
}

export interface JobRow {
  id: string;
  tenant_id: string;
  building_id: string;
  /** Every building of the job's scope (building_id is the first). */
  building_ids: string[];
  template_id: string | null;
  action: string;
  parameters: Record<string, any>;
  status: string;
  preview_hash: string | null;
  previewed_at: Date | null;
  preview_expires_at: Date | null;
  job_errors: ValidationIssue[];
  impact: BuildingImpact[] | null;
  total: number;
  trace_id: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  queued_at: Date | null;
  completed_at: Date | null;
}

export interface ItemRow {
  id: string;
  job_id: string;
  building_id: string;
  apartment_id: string;
  seq: number;
  unit: string;
  weight: number | null;
  currency: string;
  balance_before_minor: string;
  charge_minor: string;
  balance_after_minor: string;
  validation_errors: ValidationIssue[];
  status: string;
  attempts: number;
  ledger_entry_id: string | null;
  channel: string | null;
  party_id: string | null;
  delivery_key: string | null;
  trace_id: string | null;
  updated_at: Date;
}

export interface ErrorRow {
  id: string;
  job_id: string;
  item_id: string;
  attempt: number;
  code: string;
  message: string;
  field: string | null;
  retryable: boolean;
  created_at: Date;
}

export async function insertTemplate(m: EntityManager, tenantId: string, t: Omit<TemplateRow, 'created_at'>): Promise<void> {
  await m.query(`INSERT INTO bulk_templates (id, tenant_id, building_id, building_ids, name, action, parameters, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`, [
    t.id, tenantId, t.building_id, t.building_ids, t.name, t.action, JSON.stringify(t.parameters), t.created_by,
  ]);
}

export async function findTemplate(m: EntityManager, tenantId: string, id: string): Promise<TemplateRow | null> {
  return (await m.query(`SELECT * FROM bulk_templates WHERE tenant_id = $1 AND id = $2`, [tenantId, id]))[0] ?? null;
}

export function pageTemplates(m: EntityManager, tenantId: string, after: (string | number)[] | null, take: number): Promise<TemplateRow[]> {
  return m.query(
    `SELECT * FROM bulk_templates WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid)) ORDER BY created_at DESC, id DESC LIMIT $4`,
    [tenantId, after?.[0] ?? null, after?.[1] ?? null, take],
  );
}

export async function insertJob(
  m: EntityManager,
  tenantId: string,
  j: { id: string; buildingId: string; buildingIds?: string[]; templateId: string | null; action: string; parameters: unknown; createdBy: string; traceId: string | null },
): Promise<void> {
  await m.query(
    `INSERT INTO bulk_jobs (id, tenant_id, building_id, building_ids, template_id, action, parameters, status, created_by, trace_id) VALUES ($1, $2, $3, $4::uuid[], $5, $6, $7::jsonb, 'draft', $8, $9)`,
    [j.id, tenantId, j.buildingId, j.buildingIds ?? [j.buildingId], j.templateId, j.action, JSON.stringify(j.parameters), j.createdBy, j.traceId],
  );
}

/** The job, locked for update when `lock` (a use case that changes its state). */
export async function findJob(m: EntityManager, tenantId: string, id: string, lock = false): Promise<JobRow | null> {
  return (await m.query(`SELECT * FROM bulk_jobs WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [tenantId, id]))[0] ?? null;
}

export function pageJobs(m: EntityManager, tenantId: string, status: string | null, after: (string | number)[] | null, take: number): Promise<JobRow[]> {
  return m.query(
    `SELECT * FROM bulk_jobs WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2)
       AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid)) ORDER BY created_at DESC, id DESC LIMIT $5`,
    [tenantId, status, after?.[0] ?? null, after?.[1] ?? null, take],
  );
}

export async function setJobStatus(m: EntityManager, tenantId: string, id: string, status: string, extra: { queued?: boolean; completed?: boolean } = {}): Promise<void> {
  await m.query(
    `UPDATE bulk_jobs SET status = $3, updated_at = now()${extra.queued ? ', queued_at = COALESCE(queued_at, now())' : ''}${extra.completed ? ', completed_at = now()' : ', completed_at = NULL'} WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, status],
  );
}

/** Replaces the job's preview: its items, hash, expiry, job-level errors and impact. */
export async function savePreview(
  m: EntityManager,
  tenantId: string,
  job: Pick<JobRow, 'id'>,
  p: { items: (PreviewItem & { id: string })[]; previewHash: string; jobErrors: ValidationIssue[]; estimatedImpact: BuildingImpact[]; ttlSeconds: number },
): Promise<void> {
  await m.query(`DELETE FROM bulk_job_items WHERE tenant_id = $1 AND job_id = $2`, [tenantId, job.id]);
  if (p.items.length) {
    await m.query(
      `INSERT INTO bulk_job_items (id, tenant_id, job_id, building_id, apartment_id, seq, unit, weight, currency, balance_before_minor, charge_minor, balance_after_minor, validation_errors, channel, party_id, status)
       SELECT x.id, $1, $2, x.building_id, x.apartment_id, x.seq, x.unit, x.weight, x.currency, x.balance_before_minor, x.charge_minor, x.balance_after_minor, x.validation_errors, x.channel, x.party_id, 'previewed'
         FROM jsonb_to_recordset($3::jsonb) AS x(id uuid, building_id uuid, apartment_id uuid, seq int, unit text, weight int, currency text, balance_before_minor bigint, charge_minor bigint, balance_after_minor bigint, validation_errors jsonb, channel text, party_id uuid)`,
      [
        tenantId,
        job.id,
        JSON.stringify(
          p.items.map((i) => ({
            id: i.id, building_id: i.buildingId, apartment_id: i.apartmentId, seq: i.seq, unit: i.unit, weight: i.weight, currency: i.currency,
            balance_before_minor: i.balanceBeforeMinor, charge_minor: i.chargeMinor, balance_after_minor: i.balanceAfterMinor, validation_errors: i.validationErrors,
            channel: i.channel ?? null, party_id: i.partyId ?? null,
          })),
        ),
      ],
    );
  }
  await m.query(
    `UPDATE bulk_jobs SET status = 'dry_run_ready', preview_hash = $3, previewed_at = now(), preview_expires_at = now() + make_interval(secs => $4),
       job_errors = $5::jsonb, impact = $6::jsonb, total = $7, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, job.id, p.previewHash, p.ttlSeconds, JSON.stringify(p.jobErrors), JSON.stringify(p.estimatedImpact), p.items.length],
  );
}

export function jobItems(m: EntityManager, tenantId: string, jobId: string, opts: { status?: string | null; after?: number; take?: number; ids?: string[] } = {}): Promise<ItemRow[]> {
  return m.query(
    `SELECT * FROM bulk_job_items WHERE tenant_id = $1 AND job_id = $2 AND ($3::text IS NULL OR status = $3) AND seq > $4 AND ($6::uuid[] IS NULL OR id = ANY($6))
      ORDER BY seq LIMIT $5`,
    [tenantId, jobId, opts.status ?? null, opts.after ?? 0, opts.take ?? 1_000_000, opts.ids ?? null],
  );
}

/**
 * Queues every previewed item of an executed job that has something to do (a reminder always; a
 * charge when it is above zero) and writes each one's `bulk-job-item.queued` audit row, in one
 * statement, in item order. Returns the queued items as the commands need them.
 */
export function queuePreviewedItems(
  m: EntityManager,
  tenantId: string,
  jobId: string,
  opts: { zeroChargesToo: boolean; actor: string; traceId: string | null; requestId: string | null },
): Promise<Pick<ItemRow, 'id' | 'apartment_id' | 'charge_minor'>[]> {
  return m.query(
    `WITH q AS (
       UPDATE bulk_job_items SET status = 'queued', attempts = attempts + 1, updated_at = now()
        WHERE tenant_id = $1 AND job_id = $2 AND status = 'previewed' AND ($3 OR charge_minor > 0)
       RETURNING id, seq, apartment_id, charge_minor, currency
     ), audited AS (
       INSERT INTO audit_events (tenant_id, actor, action, entity_type, entity_id, after, trace_id, request_id)
       SELECT $1, $4, 'bulk-job-item.queued', 'bulk-job-item', q.id::text,
              jsonb_build_object('jobId', $2::text, 'apartmentId', q.apartment_id, 'chargeMinor', q.charge_minor, 'currency', q.currency), $5, $6
         FROM q ORDER BY q.seq
     )
     SELECT id, apartment_id, charge_minor FROM q ORDER BY seq`,
    [tenantId, jobId, opts.zeroChargesToo, opts.actor, opts.traceId, opts.requestId],
  );
}

export async function markItemsQueued(m: EntityManager, tenantId: string, jobId: string, itemIds: string[]): Promise<void> {
  await m.query(`UPDATE bulk_job_items SET status = 'queued', attempts = attempts + 1, updated_at = now() WHERE tenant_id = $1 AND job_id = $2 AND id = ANY($3::uuid[])`, [tenantId, jobId, itemIds]);
}

/**
 * Records many items' outcomes at once, each only if it is still awaiting one, in ONE statement: the
 * items' UPDATE, an error row per failure (at the item's attempt) and a `bulk-job-item.<outcome>`
 * audit row per item (actor, trace and request id given). Returns the items updated, id and new
 * status (a late duplicate answer updates, records and audits nothing).
 */
export async function recordItemOutcomes(
  m: EntityManager,
  tenantId: string,
  outcomes: {
    itemId: string;
    status: 'succeeded' | 'failed';
    ledgerEntryId: string | null;
    /** Reminders: the channel it went on and the delivery key collections sent it under. */
    channel?: string | null;
    deliveryKey?: string | null;
    error: { code: string; message: string; field: string | null; retryable: boolean } | null;
  }[],
  audit: { actor: string; traceId: string | null; requestId: string | null },
): Promise<Pick<ItemRow, 'id' | 'status'>[]> {
  if (!outcomes.length) return [];
  return m.query(
    `WITH x AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(item_id uuid, status text, ledger_entry_id uuid, channel text, delivery_key text, error jsonb)
     ), upd AS (
       UPDATE bulk_job_items i SET status = x.status, ledger_entry_id = COALESCE(x.ledger_entry_id, i.ledger_entry_id), channel = COALESCE(x.channel, i.channel),
              delivery_key = COALESCE(x.delivery_key, i.delivery_key), trace_id = COALESCE($3, i.trace_id), updated_at = now()
         FROM x WHERE i.tenant_id = $1 AND i.id = x.item_id AND i.status = 'queued'
       RETURNING i.*, x.error
     ), errors AS (
       INSERT INTO bulk_job_errors (id, tenant_id, job_id, item_id, building_id, attempt, code, message, field, retryable)
       SELECT gen_random_uuid(), $1, upd.job_id, upd.id, upd.building_id, upd.attempts, upd.error->>'code', upd.error->>'message', upd.error->>'field', (upd.error->>'retryable')::boolean
         FROM upd WHERE upd.error IS NOT NULL AND upd.error <> 'null'::jsonb
     ), audited AS (
       INSERT INTO audit_events (tenant_id, actor, action, entity_type, entity_id, before, after, trace_id, request_id)
       SELECT $1, $4, 'bulk-job-item.' || upd.status, 'bulk-job-item', upd.id::text, '{"status":"queued"}'::jsonb,
              jsonb_build_object('status', upd.status, 'apartmentId', upd.apartment_id, 'ledgerEntryId', upd.ledger_entry_id, 'error', upd.error, 'attempt', upd.attempts)
                || CASE WHEN upd.delivery_key IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('channel', upd.channel, 'deliveryKey', upd.delivery_key) END,
              $3, $5
         FROM upd
     )
     SELECT upd.id, upd.status FROM upd`,
    [
      tenantId,
      JSON.stringify(outcomes.map((o) => ({ item_id: o.itemId, status: o.status, ledger_entry_id: o.ledgerEntryId, channel: o.channel ?? null, delivery_key: o.deliveryKey ?? null, error: o.error }))),
      audit.traceId,
      audit.actor,
      audit.requestId,
    ],
  );
}

/** Inserts many error rows in one statement. */
export async function insertErrors(m: EntityManager, tenantId: string, rows: (Omit<ErrorRow, 'created_at'> & { building_id: string })[]): Promise<void> {
  if (!rows.length) return;
  await m.query(
    `INSERT INTO bulk_job_errors (id, tenant_id, job_id, item_id, building_id, attempt, code, message, field, retryable)
     SELECT x.id, $1, x.job_id, x.item_id, x.building_id, x.attempt, x.code, x.message, x.field, x.retryable
       FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, job_id uuid, item_id uuid, building_id uuid, attempt int, code text, message text, field text, retryable boolean)`,
    [tenantId, JSON.stringify(rows)],
  );
}

export function itemErrors(m: EntityManager, tenantId: string, itemIds: readonly string[]): Promise<ErrorRow[]> {
  return m.query(`SELECT * FROM bulk_job_errors WHERE tenant_id = $1 AND item_id = ANY($2::uuid[]) ORDER BY created_at, id`, [tenantId, itemIds]);
}

export function pageJobErrors(m: EntityManager, tenantId: string, jobId: string, after: (string | number)[] | null, take: number): Promise<ErrorRow[]> {
  return m.query(
    `SELECT * FROM bulk_job_errors WHERE tenant_id = $1 AND job_id = $2 AND ($3::timestamptz IS NULL OR (created_at, id) > ($3, $4::uuid)) ORDER BY created_at, id LIMIT $5`,
    [tenantId, jobId, after?.[0] ?? null, after?.[1] ?? null, take],
  );
}

export interface Progress {
  total: number;
  previewed: number;
  queued: number;
  succeeded: number;
  failed: number;
}

/** Item counts by status (done = succeeded + failed; pending = queued). */
export async function progress(m: EntityManager, tenantId: string, jobId: string): Promise<Progress> {
  const [r] = await m.query(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'previewed')::int AS previewed, count(*) FILTER (WHERE status = 'queued')::int AS queued,
            count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, count(*) FILTER (WHERE status = 'failed')::int AS failed
       FROM bulk_job_items WHERE tenant_id = $1 AND job_id = $2`,
    [tenantId, jobId],
  );
  return r;
}
