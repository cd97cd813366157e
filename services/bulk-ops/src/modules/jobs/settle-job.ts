import type { EntityManager } from 'typeorm';
import { requestScope, writeAudit, type ServiceRuntime } from '@commonhold/kit';
import { finalState } from './job';
import { findJob, progress, recordItemOutcomes, setJobStatus, type JobRow } from './job.store';
import { bulkMetrics, type BulkMetrics } from './job.metrics';
import { currentTraceId } from './trace-id';

/**
 * Records one answer from collections (charge or reminder results), set-based: the job row is locked
 * first so answers of one job are recorded one at a time; each item still awaiting an outcome gets it
 * (with its error row and audit row), the item metric counts them, and the job settles.
 */
export async function recordAnswer(rt: ServiceRuntime, m: EntityManager, tenantId: string, jobId: string, outcomes: Parameters<typeof recordItemOutcomes>[2]): Promise<void> {
  const job = await findJob(m, tenantId, jobId, true);
  if (!job) return;
  const items = await recordItemOutcomes(m, tenantId, outcomes, { actor: `bulk-job:${job.id}`, traceId: currentTraceId(), requestId: requestScope.getStore()?.requestId ?? null });
  const counted = { succeeded: 0, failed: 0 };
  for (const item of items) counted[item.status as 'succeeded' | 'failed']++;
  // Counted in the handler: an attempt rolled back after this point and retried counts again (rare;
  // the metrics are for dashboards, the tables are the record).
  const metrics = bulkMetrics(rt.metrics.registry);
  for (const [outcome, k] of Object.entries(counted)) if (k) metrics.items.inc({ action: job.action, outcome }, k);
  await settleJob(m, tenantId, job, metrics);
}

/**
 * After item outcomes were recorded (results from collections, or the sweeper giving up on items):
 * a job still awaiting items is in progress; one awaiting none takes its final state, with its metric
 * and its `bulk-job.<state>` audit event. `job` is the row as locked before the outcomes.
 */
export async function settleJob(m: EntityManager, tenantId: string, job: JobRow, metrics: BulkMetrics): Promise<void> {
  // One probe of the (tenant, job, status) index while items remain; the full count only at the end.
  const [waiting] = await m.query(`SELECT 1 FROM bulk_job_items WHERE tenant_id = $1 AND job_id = $2 AND status = 'queued' LIMIT 1`, [tenantId, job.id]);
  if (waiting) {
    if (job.status === 'queued') await setJobStatus(m, tenantId, job.id, 'in_progress');
    return;
  }
  const p = await progress(m, tenantId, job.id);
  if (job.status !== 'queued' && job.status !== 'in_progress') return;
  const state = finalState(p);
  await setJobStatus(m, tenantId, job.id, state, { completed: true });
  metrics.jobs.inc({ action: job.action, outcome: state });
  if (job.queued_at) metrics.jobDuration.observe({ action: job.action }, (Date.now() - new Date(job.queued_at).getTime()) / 1000);
  await writeAudit(m, { tenantId, actor: `bulk-job:${job.id}`, action: `bulk-job.${state}`, entityType: 'bulk-job', entityId: job.id, before: { status: job.status }, after: { status: state, succeeded: p.succeeded, failed: p.failed } });
}

/**
 * A reminder that failed after collections answered it sent (the email bounced, the SMS was reported
 * undelivered): the item — succeeded under that delivery key, or still awaiting its answer — turns failed with
 * BOUNCED or DELIVERY_FAILED (not retryable within the job: its delivery key is spent; a new job
 * reaches the owner once their details are fixed), with its error and audit rows; a finished job
 * takes the final state its items now give, with its `bulk-job.<state>` audit event. Anything else
 * (an unknown item, one answered failed, a repeat) changes nothing.
 */
export async function recordLateFailure(
  rt: ServiceRuntime,
  m: EntityManager,
  tenantId: string,
  f: { jobId: string; itemId: string; deliveryKey: string; channel: string; outcome: 'bounced' | 'failed'; reason: string | null },
): Promise<boolean> {
  const job = await findJob(m, tenantId, f.jobId, true);
  if (!job) return false;
  const code = f.outcome === 'bounced' ? 'BOUNCED' : 'DELIVERY_FAILED';
  const message = f.reason ?? (f.outcome === 'bounced' ? 'The reminder bounced' : 'The reminder was not delivered');
  // The item answered sent under this key — or still awaiting its answer, which the bounce (on its
  // own topic) may overtake: the later answer then changes nothing, the item stays failed.
  const [item]: { id: string }[] = await m.query(
    `WITH prev AS (
       SELECT id, status AS before_status FROM bulk_job_items
        WHERE tenant_id = $1 AND job_id = $2 AND id = $3 AND ((status = 'succeeded' AND delivery_key = $4) OR status = 'queued')
        FOR UPDATE
     ), upd AS (
       UPDATE bulk_job_items i SET status = 'failed', delivery_key = $4, channel = COALESCE(i.channel, $10), updated_at = now()
         FROM prev WHERE i.id = prev.id
       RETURNING i.*, prev.before_status
     ), errors AS (
       INSERT INTO bulk_job_errors (id, tenant_id, job_id, item_id, building_id, attempt, code, message, field, retryable)
       SELECT gen_random_uuid(), $1, upd.job_id, upd.id, upd.building_id, upd.attempts, $5, $6, NULL, false FROM upd
     ), audited AS (
       INSERT INTO audit_events (tenant_id, actor, action, entity_type, entity_id, before, after, trace_id, request_id)
       SELECT $1, $7, 'bulk-job-item.failed', 'bulk-job-item', upd.id::text, jsonb_build_object('status', upd.before_status),
              jsonb_build_object('status', 'failed', 'apartmentId', upd.apartment_id, 'channel', upd.channel, 'deliveryKey', upd.delivery_key,
                                 'error', jsonb_build_object('code', $5::text, 'message', $6::text, 'field', NULL, 'retryable', false), 'attempt', upd.attempts, 'afterDelivery', true),
              $8, $9
         FROM upd
     )
     SELECT upd.id FROM upd`,
    [tenantId, f.jobId, f.itemId, f.deliveryKey, code, message, `bulk-job:${job.id}`, currentTraceId(), requestScope.getStore()?.requestId ?? null, f.channel],
  );
  if (!item) return false;
  const metrics = bulkMetrics(rt.metrics.registry);
  metrics.items.inc({ action: job.action, outcome: 'failed_after_delivery' });
  // A job still running settles as usual once its last answer is in; a finished one moves now.
  if (['completed', 'completed_with_errors', 'failed'].includes(job.status)) {
    const p = await progress(m, tenantId, job.id);
    const state = finalState(p);
    if (state !== job.status) {
      await setJobStatus(m, tenantId, job.id, state, { completed: true });
      await writeAudit(m, { tenantId, actor: `bulk-job:${job.id}`, action: `bulk-job.${state}`, entityType: 'bulk-job', entityId: job.id, before: { status: job.status }, after: { status: state, succeeded: p.succeeded, failed: p.failed, reason: 'delivery failed after it was sent' } });
    }
  }
  return true;
}
