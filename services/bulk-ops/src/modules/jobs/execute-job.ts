import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { badInput, idempotent, isUuid, newEvent, publishEvents, requestScope, writeAudit, type EventRegistry } from '@commonhold/kit';
import { computePreview, loadJob } from './dry-run-job';
import { CHUNK_SIZE, EXECUTED, REMINDER_CHUNK_SIZE, executableStored, refusal, visibleState, type ReminderParams } from './job';
import { itemErrors, jobItems, markItemsQueued, queuePreviewedItems, setJobStatus, type ItemRow, type JobRow } from './job.store';
import type { Command } from './manage-templates';
import type { CommonExpenseParams } from './preview';
import { currentTraceId, writeAuditMany } from './trace-id';

/** The reminder commands for `items`: at most REMINDER_CHUNK_SIZE per event; the item id keys each delivery. */
export function reminderCommands(job: JobRow, items: Pick<ItemRow, 'id' | 'apartment_id'>[]) {
  const p = job.parameters as ReminderParams;
  const events = [];
  for (let i = 0; i < items.length; i += REMINDER_CHUNK_SIZE) {
    const commandId = randomUUID();
    events.push(
      newEvent(
        'commonhold.bulk-ops.reminder-command.requested.v1',
        commandId,
        { commandId, jobId: job.id, template: p.template, message: p.message ?? null, items: items.slice(i, i + REMINDER_CHUNK_SIZE).map((it) => ({ itemId: it.id, apartmentId: it.apartment_id })) },
        job.id,
      ),
    );
  }
  return events;
}

/** The charge commands for `items` (NC-302): at most CHUNK_SIZE per v2 event; the item id is collections' idempotency key. */
export function chargeCommands(job: JobRow, items: Pick<ItemRow, 'id' | 'apartment_id' | 'charge_minor'>[]) {
  const p = job.parameters as CommonExpenseParams;
  const events = [];
  for (let i = 0; i < items.length; i += CHUNK_SIZE) {
    const commandId = randomUUID();
    events.push(
      newEvent(
        'commonhold.bulk-ops.charge-command.requested.v2',
        commandId,
        {
          commandId,
          jobId: job.id,
          buildingId: job.building_id,
          chargeType: 'common_expense',
          currency: p.amount.currency,
          bookedOn: null,
          dueOn: p.dueOn ?? null,
          description: p.description ?? null,
          items: items.slice(i, i + CHUNK_SIZE).map((it) => ({ itemId: it.id, apartmentId: it.apartment_id, amountMinor: Number(it.charge_minor) })),
        },
        job.id,
      ),
    );
  }
  return events;
}

/** Sends items to collections as charge or reminder commands. */
async function dispatch(m: EntityManager, registry: EventRegistry, tenantId: string, job: JobRow, items: Pick<ItemRow, 'id' | 'apartment_id' | 'charge_minor'>[]): Promise<void> {
  await publishEvents(m, registry, tenantId, job.action === 'reminder' ? reminderCommands(job, items) : chargeCommands(job, items));
}

/**
 * Executes a dry-run job (NC-301/302): refuses without the latest preview's hash, once the preview
 * has expired, or when the preview recomputed now differs (the data changed); otherwise queues every
 * item and sends them to collections as commands. An executed job is never executed twice: a
 * repeated call answers with the job as it is.
 */
export function executeJob(m: EntityManager, registry: EventRegistry, cmd: Command<{ id?: unknown; previewHash?: unknown }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'executeBulkJob', input, async () => {
    const job = await loadJob(m, tenantId, input.id, true);
    if (typeof input.previewHash !== 'string' || !/^[0-9a-f]{64}$/.test(input.previewHash)) throw badInput('input.previewHash', 'previewHash must be the hash a dry run returned');
    if (EXECUTED.includes(job.status)) return job.id;
    if (job.status === 'draft') throw refusal('PREVIEW_REQUIRED', 'Run a dry run (dryRunBulkJob) and execute with its previewHash');
    if (job.status !== 'dry_run_ready') throw refusal('INVALID_STATE', `A ${job.status} job cannot be executed`);
    if (visibleState(job.status, job.preview_expires_at) === 'expired') {
      throw refusal('PREVIEW_EXPIRED', 'The dry run has expired; run it again and execute with the new previewHash', { previewExpiresAt: job.preview_expires_at?.toISOString() });
    }
    if (input.previewHash !== job.preview_hash) throw refusal('STALE_PREVIEW', 'previewHash is not the hash of the latest dry run of this job', { currentPreviewHash: job.preview_hash });
    const now = await computePreview(m, tenantId, job);
    if (now.previewHash !== job.preview_hash) {
      throw refusal('STALE_PREVIEW', 'The data changed since the dry run (apartments, shares, balances or owners\' contact); run it again and review the new preview', { currentPreviewHash: now.previewHash });
    }
    // Whether the stored preview may execute (read set-based: the item count, and only the items that have errors).
    const [check]: { items: number; zero: number; errors: ItemRow['validation_errors'][] }[] = await m.query(
      `SELECT count(*)::int AS items, count(*) FILTER (WHERE charge_minor = 0)::int AS zero,
              COALESCE(jsonb_agg(validation_errors) FILTER (WHERE validation_errors <> '[]'::jsonb), '[]'::jsonb) AS errors
         FROM bulk_job_items WHERE tenant_id = $1 AND job_id = $2 AND status = 'previewed'`,
      [tenantId, job.id],
    );
    if (!executableStored(job, check!.errors.map((e) => ({ validation_errors: e })), check!.items)) throw refusal('VALIDATION_ERRORS', 'The preview has validation errors; fix them and run the dry run again');
    const reminder = job.action === 'reminder';
    // A reminder item is always sent; a zero charge has nothing to post. Each queued item is audited.
    const chargeable = await queuePreviewedItems(m, tenantId, job.id, { zeroChargesToo: reminder, actor: cmd.actor, traceId: currentTraceId(), requestId: requestScope.getStore()?.requestId ?? null });
    // A zero charge posts nothing: the item is done at once.
    if (!reminder && check!.zero) {
      const done: { id: string }[] = await m.query(
        `UPDATE bulk_job_items SET status = 'succeeded', updated_at = now() WHERE tenant_id = $1 AND job_id = $2 AND status = 'previewed' RETURNING id`,
        [tenantId, job.id],
      );
      await writeAuditMany(m, tenantId, cmd.actor, done.map((it) => ({ action: 'bulk-job-item.succeeded', entityType: 'bulk-job-item', entityId: it.id, after: { jobId: job.id, chargeMinor: 0, posted: false } })));
    }
    if (!chargeable.length) await writeAudit(m, { tenantId, actor: cmd.actor, action: 'bulk-job.completed', entityType: 'bulk-job', entityId: job.id, after: { status: 'completed', succeeded: check!.items, failed: 0 } });
    await m.query(`UPDATE bulk_jobs SET trace_id = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, job.id, currentTraceId() ?? job.trace_id]);
    await setJobStatus(m, tenantId, job.id, chargeable.length ? 'queued' : 'completed', { queued: true, completed: !chargeable.length });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'bulk-job.executed', entityType: 'bulk-job', entityId: job.id, before: { status: job.status }, after: { status: 'queued', previewHash: job.preview_hash, items: check!.items } });
    await dispatch(m, registry, tenantId, job, chargeable);
    return job.id;
  });
}

/**
 * Retries a finished job's failed items (all retryable ones, or those named) — and nothing else: the
 * item ids stay collections' idempotency keys, so an item that did post cannot post twice.
 */
export function retryJob(m: EntityManager, registry: EventRegistry, cmd: Command<{ id?: unknown; itemIds?: unknown }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'retryBulkJob', input, async () => {
    const job = await loadJob(m, tenantId, input.id, true);
    if (job.status !== 'completed_with_errors' && job.status !== 'failed') {
      throw refusal('INVALID_STATE', `Only a job that finished with failures can be retried (this one is ${visibleState(job.status, job.preview_expires_at)})`);
    }
    const failed = await jobItems(m, tenantId, job.id, { status: 'failed' });
    let targets: ItemRow[];
    if (input.itemIds != null) {
      if (!Array.isArray(input.itemIds) || !input.itemIds.length) throw badInput('input.itemIds', 'itemIds must list at least one failed item');
      const byId = new Map(failed.map((i) => [i.id, i]));
      targets = input.itemIds.map((id, n) => {
        const it = isUuid(id) ? byId.get(id) : undefined;
        if (!it) throw badInput(`input.itemIds.${n}`, 'Not a failed item of this job');
        return it;
      });
      targets = [...new Map(targets.map((t) => [t.id, t])).values()];
    } else {
      const errors = await itemErrors(m, tenantId, failed.map((i) => i.id));
      const last = new Map(errors.map((e) => [e.item_id, e]));
      targets = failed.filter((i) => last.get(i.id)?.retryable !== false);
    }
    if (!targets.length) throw refusal('NOTHING_TO_RETRY', 'No failed item of this job can be retried');
    await markItemsQueued(m, tenantId, job.id, targets.map((t) => t.id));
    await setJobStatus(m, tenantId, job.id, 'in_progress');
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'bulk-job.retried', entityType: 'bulk-job', entityId: job.id, before: { status: job.status }, after: { status: 'in_progress', itemIds: targets.map((t) => t.id) } });
    await writeAuditMany(m, tenantId, cmd.actor, targets.map((it) => ({ action: 'bulk-job-item.queued', entityType: 'bulk-job-item', entityId: it.id, after: { jobId: job.id, retry: true, attempt: it.attempts + 1 } })));
    await dispatch(m, registry, tenantId, job, targets);
    return job.id;
  });
}

/** Cancels a job that has not been executed. */
export function cancelJob(m: EntityManager, cmd: Command<{ id?: unknown }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'cancelBulkJob', input, async () => {
    const job = await loadJob(m, tenantId, input.id, true);
    if (job.status === 'cancelled') return job.id;
    if (job.status !== 'draft' && job.status !== 'dry_run_ready') throw refusal('INVALID_STATE', `A ${job.status} job cannot be cancelled`);
    await setJobStatus(m, tenantId, job.id, 'cancelled', { completed: true });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'bulk-job.cancelled', entityType: 'bulk-job', entityId: job.id, before: { status: job.status }, after: { status: 'cancelled' } });
    return job.id;
  });
}
