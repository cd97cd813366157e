import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { idempotent, isUuid, notFound, writeAudit } from '@commonhold/kit';
import { apartmentFacts, buildingFact } from '../directory';
import { EXECUTED, FINISHED, PREVIEW_TTL_SECONDS, refusal, visibleState } from './job';
import { findJob, savePreview, type JobRow } from './job.store';
import type { Command } from './manage-templates';
import { previewCommonExpense, type CommonExpenseParams, type Preview } from './preview';
import { previewReminder } from './reminder-preview';
import type { ReminderParams } from './job';
import { selectApartments, type Scope } from './scope';

/** The preview of a job on the data bulk-ops holds now (its projection of collections). */
export async function computePreview(m: EntityManager, tenantId: string, job: Pick<JobRow, 'building_id' | 'parameters' | 'action'>): Promise<Preview> {
  if (job.action === 'reminder') {
    const { scope, ...params } = job.parameters as ReminderParams & { scope: Scope };
    const buildings = (await Promise.all(scope.buildingIds.map((b) => buildingFact(m, tenantId, b)))).filter((b) => b !== null).map((b) => ({ buildingId: b.buildingId, currency: b.currency }));
    return previewReminder(params, scope, buildings, await apartmentFacts(m, tenantId, scope.buildingIds));
  }
  const building = (await buildingFact(m, tenantId, job.building_id)) ?? { buildingId: job.building_id, currency: (job.parameters as CommonExpenseParams).amount.currency };
  let apartments = await apartmentFacts(m, tenantId, job.building_id);
  // A scoped issue splits over the apartments its scope selects; the scope's own problems block it.
  const scope = (job.parameters as { scope?: Scope }).scope;
  const selection = scope ? selectApartments(scope, apartments, () => building.currency) : null;
  if (selection) apartments = selection.selected;
  const p = previewCommonExpense(job.parameters as CommonExpenseParams, { buildingId: building.buildingId, currency: building.currency }, apartments);
  return selection?.errors.length ? { ...p, jobErrors: [...selection.errors, ...p.jobErrors] } : p;
}

export async function loadJob(m: EntityManager, tenantId: string, id: unknown, lock = false): Promise<JobRow> {
  const job = isUuid(id) ? await findJob(m, tenantId, id, lock) : null;
  if (!job) throw notFound('input.id', 'No such bulk job');
  return job;
}

/**
 * The mandatory dry run (NC-301): computes and stores the preview — per item the balance before and
 * after and the new charge, validation errors per item and field, the impact per building, and the
 * preview hash an execution must present. May be repeated until the job is executed.
 */
export function dryRunJob(m: EntityManager, cmd: Command<{ id?: unknown }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'dryRunBulkJob', input, async () => {
    const job = await loadJob(m, tenantId, input.id, true);
    if (EXECUTED.includes(job.status) || FINISHED.includes(job.status)) {
      throw refusal('INVALID_STATE', `A ${visibleState(job.status, job.preview_expires_at)} job cannot be dry-run again`);
    }
    const p = await computePreview(m, tenantId, job);
    await savePreview(m, tenantId, job, { ...p, items: p.items.map((i) => ({ ...i, id: randomUUID() })), ttlSeconds: PREVIEW_TTL_SECONDS });
    await writeAudit(m, {
      tenantId,
      actor: cmd.actor,
      action: 'bulk-job.dry-run',
      entityType: 'bulk-job',
      entityId: job.id,
      before: { status: job.status, previewHash: job.preview_hash },
      after: { status: 'dry_run_ready', previewHash: p.previewHash, impact: p.estimatedImpact, jobErrors: p.jobErrors },
    });
    return job.id;
  });
}
