import type { EntityManager } from 'typeorm';
import { AppError, idempotent, isUuid, notFound, writeAudit } from '@commonhold/kit';
import type { Command } from '../buildings';
import { findEvent, logEvent, updateEvent } from './run.store';

/**
 * Puts a dead-lettered or failed reminder back to `pending` (its delivery record to `deferred`, so
 * the notifier tries the same key again: still at most one message). The caller queues the job.
 */
export function redriveDunningReminder(m: EntityManager, cmd: Command<Record<string, unknown>>): Promise<{ id: string; runId: string }> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'redriveDunningReminder', input, async () => {
    const id = input.reminderId;
    if (typeof id !== 'string' || !isUuid(id)) throw notFound('input.reminderId', 'No such reminder');
    const e = await findEvent(m, tenantId, id, { lock: true });
    if (!e || e.kind !== 'reminder' || e.dryRun) throw notFound('input.reminderId', 'No such reminder');
    if (e.status !== 'dead_lettered' && e.status !== 'failed')
      throw new AppError('CONFLICT', `Only a dead-lettered or failed reminder is re-driven; this one is ${e.status}`, { field: 'input.reminderId' });
    await updateEvent(m, tenantId, e.id, { status: 'pending' });
    await m.query(
      `UPDATE notification_deliveries SET status = 'deferred', record = record || '{"status":"deferred"}'::jsonb WHERE tenant_id = $1 AND idempotency_key = $2 AND status IN ('deferred', 'failed', 'bounced')`,
      [tenantId, e.reminderKey],
    );
    await logEvent(m, tenantId, e, 'redriven', e.attempts, `by ${cmd.actor}`);
    await writeAudit(m, {
      tenantId,
      actor: cmd.actor,
      action: 'dunning-reminder.redriven',
      entityType: 'dunning-event',
      entityId: e.id,
      before: { status: e.status },
      after: { status: 'pending' },
    });
    return { id: e.id, runId: e.runId };
  });
}
