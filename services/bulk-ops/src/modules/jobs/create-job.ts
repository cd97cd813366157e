import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { badInput, idempotent, isUuid, notFound, oneOf, writeAudit } from '@commonhold/kit';
import { buildingFact } from '../directory';
import { ACTIONS, parseCommonExpense, parseReminder } from './job';
import { findTemplate, insertJob } from './job.store';
import type { Command } from './manage-templates';
import { parseScope, type Scope } from './scope';
import { currentTraceId } from './trace-id';

/**
 * Creates a draft job: from a template (its building, action and parameters) or from the input
 * itself; nothing happens until a dry run and an execution with that dry run's hash. A common-expense
 * issue covers one building; a reminder covers a scope (buildings narrowed by apartment ids, floors,
 * a minimum balance owed and an uploaded list).
 */
export function createJob(m: EntityManager, cmd: Command<Record<string, unknown>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createBulkJob', input, async () => {
    let buildingId: unknown = input.buildingId;
    let action: unknown = input.action;
    let params: unknown = input.commonExpense;
    let templateId: string | null = null;
    let reminderIn: unknown = input.reminder;
    // The template's saved scope applies unless the input names its own scope or building.
    let templateScope: Scope | null = null;
    if (input.templateId != null) {
      const t = isUuid(input.templateId) ? await findTemplate(m, tenantId, input.templateId) : null;
      if (!t) throw notFound('input.templateId', 'No such template');
      templateId = t.id;
      const { scope, ...saved } = t.parameters as Record<string, unknown> & { scope?: Scope };
      if (input.scope == null && input.buildingId == null) templateScope = scope ?? null;
      // The template's building only when the input names none (a scope given brings its own).
      if (input.scope == null) buildingId ??= t.building_id;
      action ??= t.action;
      if (t.action === 'reminder') reminderIn ??= saved;
      else params ??= saved;
    }
    const act = oneOf('input.action', ACTIONS, typeof action === 'string' ? action.toLowerCase() : action);
    let parameters: unknown;
    let buildingIds: string[];
    if (act === 'reminder') {
      if (input.commonExpense != null) throw badInput('input.commonExpense', 'A reminder takes no commonExpense (use reminder)');
      const scope = templateScope ?? parseScope('input.scope', input.scope, buildingId);
      parameters = { ...parseReminder('input.reminder', reminderIn), scope };
      buildingIds = scope.buildingIds;
    } else {
      if (input.reminder != null) throw badInput('input.reminder', 'A common-expense issue takes no reminder parameters');
      // A common expense splits over one building: the whole of it, or the apartments its scope selects.
      const scope = templateScope ?? (input.scope == null ? null : parseScope('input.scope', input.scope, buildingId));
      if (scope && scope.buildingIds.length !== 1) throw badInput('input.scope.buildingIds', 'A common-expense issue splits over one building');
      if (scope) buildingId = scope.buildingIds[0];
      if (buildingId == null) throw badInput('input.buildingId', 'A job needs a building (or a template that names one)');
      const expense = parseCommonExpense('input.commonExpense', params);
      parameters = scope ? { ...expense, scope } : expense;
      if (!isUuid(buildingId)) throw notFound('input.buildingId', 'No such building');
      buildingIds = [buildingId];
    }
    // Every building must be one bulk-ops knows and the caller may reach (RLS hides the others).
    const viaScope = act === 'reminder' && (input.scope as { buildingIds?: unknown } | null | undefined)?.buildingIds != null;
    for (const [i, b] of buildingIds.entries()) {
      if (!(await buildingFact(m, tenantId, b))) throw notFound(viaScope ? `input.scope.buildingIds.${i}` : 'input.buildingId', 'No such building');
    }
    const id = randomUUID();
    await insertJob(m, tenantId, { id, buildingId: buildingIds[0]!, buildingIds, templateId, action: act, parameters, createdBy: cmd.actor, traceId: currentTraceId() });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'bulk-job.created', entityType: 'bulk-job', entityId: id, after: { buildingId: buildingIds[0], buildingIds, templateId, action: act, parameters } });
    return id;
  });
}
