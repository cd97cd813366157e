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
