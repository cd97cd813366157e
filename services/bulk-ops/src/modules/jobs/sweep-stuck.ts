import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { withTenant } from '@commonhold/kit';
import { findJob, insertErrors, type ItemRow } from './job.store';
import type { BulkMetrics } from './job.metrics';
import { settleJob } from './settle-job';
import { writeAuditMany } from './trace-id';

/** The error an item gets when no answer came in time (its command lost, dead-lettered or stuck). */
export const TIMED_OUT = { code: 'SERVICE_UNAVAILABLE', field: null, retryable: true } as const;

/**
 * Gives up on a tenant's items that have been in flight (queued) longer than `timeoutSeconds`: each
 * becomes failed with a retryable error, audited, and its job settles (completed with errors or
 * failed), so the office sees it and `retryBulkJob` sends it again. Safe whatever happened to the
 * command: the item id stays collections' idempotency key, so an item whose charge did post answers
 * `posted` with the same entry on retry, never twice. A late answer to a swept item changes nothing
 * (only queued items take outcomes). Returns the items swept.
 */
export async function sweepStuckItems(m: EntityManager, tenantId: string, timeoutSeconds: number, metrics: BulkMetrics): Promise<number> {
  const jobs: { job_id: string }[] = await m.query(
    `SELECT DISTINCT job_id FROM bulk_job_items WHERE tenant_id = $1 AND status = 'queued' AND updated_at < now() - make_interval(secs => $2)`,
    [tenantId, timeoutSeconds],
  );
  let swept = 0;
  for (const { job_id } of jobs) {
    const job = await findJob(m, tenantId, job_id, true);
    if (!job) continue;
    const [items]: [ItemRow[], number] = await m.query(
      `UPDATE bulk_job_items SET status = 'failed', updated_at = now()
        WHERE tenant_id = $1 AND job_id = $2 AND status = 'queued' AND updated_at < now() - make_interval(secs => $3) RETURNING *`,
      [tenantId, job.id, timeoutSeconds],
    );
    if (!items.length) continue;
    swept += items.length;
    const message = `No answer from collections within ${timeoutSeconds} s (the command was lost, dead-lettered or is stuck); retry the item`;
    await insertErrors(m, tenantId, items.map((it) => ({ id: randomUUID(), job_id: job.id, item_id: it.id, building_id: it.building_id, attempt: it.attempts, code: TIMED_OUT.code, message, field: TIMED_OUT.field, retryable: TIMED_OUT.retryable })));
    await writeAuditMany(
      m,
      tenantId,
      'bulk-ops.sweeper',
      items.map((it) => ({ action: 'bulk-job-item.failed', entityType: 'bulk-job-item', entityId: it.id, before: { status: 'queued' }, after: { status: 'failed', apartmentId: it.apartment_id, error: { ...TIMED_OUT, message }, attempt: it.attempts } })),
    );
    metrics.items.inc({ action: job.action, outcome: 'failed' }, items.length);
    await settleJob(m, tenantId, job, metrics);
  }
  return swept;
}

/**
 * One sweep over every tenant with active jobs: the tenants are listed under the sweeper's read-only
 * policy (`app.bulk_sweeper`), each tenant swept in its own transaction.
 */
export async function sweepAllTenants(ds: DataSource, timeoutSeconds: number, metrics: BulkMetrics): Promise<number> {
  const tenants: { tenant_id: string }[] = await ds.transaction(async (m) => {
    await m.query(`SELECT set_config('app.bulk_sweeper', 'on', true), set_config('app.scope', 'global', true)`);
    return m.query(`SELECT DISTINCT tenant_id FROM bulk_jobs WHERE status IN ('queued', 'in_progress') ORDER BY tenant_id`);
  });
  let swept = 0;
  for (const { tenant_id } of tenants) swept += await withTenant(ds, tenant_id, (m) => sweepStuckItems(m, tenant_id, timeoutSeconds, metrics));
  return swept;
}
