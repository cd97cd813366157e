import { randomUUID } from 'node:crypto';
import type { ConsumerDefinition, EventHandlerArgs, EventPayloads, ServiceRuntime } from '@commonhold/kit';
import { writeAudit } from '@commonhold/kit';
import { finalState } from './job';
import { findJob, insertError, progress, recordItemOutcome, setJobStatus } from './job.store';
import { bulkMetrics } from './job.metrics';
import { currentTraceId } from './trace-id';

type Completed = EventPayloads['commonhold.collections.charge-command.completed.v1'];

/**
 * Records collections' answers to the charge commands: each item's outcome (with its ledger entry or
 * its typed error), an audit event per item, and the job's final state once no item awaits one.
 * The job row is locked first so answers of the same job are recorded one at a time.
 */
export function chargeResultsConsumer(rt: ServiceRuntime): ConsumerDefinition {
  return {
    group: 'bulk-ops.charge-results',
    topics: ['collections.charge-command'],
    handlers: {
      'commonhold.collections.charge-command.completed.v1': async ({ event, m }: EventHandlerArgs<Completed>) => {
        const tenantId = event.tenantId;
        const job = await findJob(m, tenantId, event.data.jobId, true);
        if (!job) return;
        const traceId = currentTraceId();
        const outcomes = { succeeded: 0, failed: 0 };
        for (const r of event.data.results) {
          const status = r.status === 'posted' ? 'succeeded' : 'failed';
          const item = await recordItemOutcome(m, tenantId, r.itemId, { status, ledgerEntryId: r.entryId, traceId });
          if (!item) continue;
          outcomes[status]++;
          if (r.error) {
            await insertError(m, tenantId, { id: randomUUID(), job_id: job.id, item_id: item.id, building_id: item.building_id, attempt: item.attempts, code: r.error.code, message: r.error.message, field: r.error.field, retryable: r.error.retryable });
          }
          await writeAudit(m, {
            tenantId,
            actor: `bulk-job:${job.id}`,
            action: `bulk-job-item.${status}`,
            entityType: 'bulk-job-item',
            entityId: item.id,
            before: { status: 'queued' },
            after: { status, apartmentId: item.apartment_id, ledgerEntryId: r.entryId, error: r.error, attempt: item.attempts },
          });
        }
        // Counted in the handler: an attempt rolled back after this point and retried counts again (rare;
        // the metrics are for dashboards, the tables are the record).
        const metrics = bulkMetrics(rt.metrics.registry);
        for (const [outcome, k] of Object.entries(outcomes)) if (k) metrics.items.inc({ action: job.action, outcome }, k);
        const p = await progress(m, tenantId, job.id);
        if (p.queued > 0) {
          if (job.status === 'queued') await setJobStatus(m, tenantId, job.id, 'in_progress');
          return;
        }
        if (job.status !== 'queued' && job.status !== 'in_progress') return;
        const state = finalState(p);
        await setJobStatus(m, tenantId, job.id, state, { completed: true });
        metrics.jobs.inc({ action: job.action, outcome: state });
        if (job.queued_at) metrics.jobDuration.observe({ action: job.action }, (Date.now() - new Date(job.queued_at).getTime()) / 1000);
        await writeAudit(m, { tenantId, actor: `bulk-job:${job.id}`, action: `bulk-job.${state}`, entityType: 'bulk-job', entityId: job.id, before: { status: job.status }, after: { status: state, succeeded: p.succeeded, failed: p.failed } });
      },
    },
  };
}
