import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { badInput, idempotent, isUuid, notFound, oneOf, writeAudit } from '@commonhold/kit';
import { buildingFact } from '../directory';
import { ACTIONS, parseCommonExpense } from './job';
import { findTemplate, insertJob } from './job.store';
import type { Command } from './manage-templates';
import { currentTraceId } from './trace-id';

/**
 * Creates a draft job: from a template (its building, action and parameters) or from the input
 * itself; nothing happens until a dry run and an execution with that dry run's hash.
 */
export function createJob(m: EntityManager, cmd: Command<Record<string, unknown>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createBulkJob', input, async () => {
    let buildingId: unknown = input.buildingId;
    let action: unknown = input.action;
    let params: unknown = input.commonExpense;
    let templateId: string | null = null;
    if (input.templateId != null) {
      const t = isUuid(input.templateId) ? await findTemplate(m, tenantId, input.templateId) : null;
      if (!t) throw notFound('input.templateId', 'No such template');
      templateId = t.id;
      buildingId ??= t.building_id;
      action ??= t.action;
      params ??= t.parameters;
    }
    const act = oneOf('input.action', ACTIONS, typeof action === 'string' ? action.toLowerCase() : action);
    if (buildingId == null) throw badInput('input.buildingId', 'A job needs a building (or a template that names one)');
    const parameters = parseCommonExpense('input.commonExpense', params);
    if (!isUuid(buildingId) || !(await buildingFact(m, tenantId, buildingId))) throw notFound('input.buildingId', 'No such building');
    const id = randomUUID();
    await insertJob(m, tenantId, { id, buildingId, templateId, action: act, parameters, createdBy: cmd.actor, traceId: currentTraceId() });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'bulk-job.created', entityType: 'bulk-job', entityId: id, after: { buildingId, templateId, action: act, parameters } });
    return id;
  });
}
