import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { badInput, idempotent, isUuid, notFound, oneOf, requiredText, writeAudit } from '@commonhold/kit';
import { buildingFact } from '../directory';
import { ACTIONS, parseCommonExpense, parseReminder } from './job';
import { parseScope } from './scope';
import { insertTemplate } from './job.store';

export interface Command<I> {
  tenantId: string;
  actor: string;
  input: I & { idempotencyKey?: unknown };
}

/**
 * Saves a template to start jobs from: an action with its parameters and its scope — a common-expense
 * issue over one building (optionally narrowed by a scope), or a reminder over a scope of up to 50
 * buildings with its filters and uploaded list. The same validation as `createBulkJob`.
 */
export function createTemplate(m: EntityManager, cmd: Command<Record<string, unknown>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createBulkTemplate', input, async () => {
    const name = requiredText('input.name', input.name, 200);
    const action = oneOf('input.action', ACTIONS, typeof input.action === 'string' ? input.action.toLowerCase() : input.action);
    let parameters: Record<string, unknown>;
    let buildingIds: string[];
    if (action === 'reminder') {
      if (input.commonExpense != null) throw badInput('input.commonExpense', 'A reminder takes no commonExpense (use reminder)');
      const scope = parseScope('input.scope', input.scope, input.buildingId);
      parameters = { ...parseReminder('input.reminder', input.reminder), scope };
      buildingIds = scope.buildingIds;
    } else {
      if (input.reminder != null) throw badInput('input.reminder', 'A common-expense issue takes no reminder parameters');
      if (input.commonExpense == null) throw badInput('input.commonExpense', 'A common-expense template needs commonExpense');
      const scope = input.scope == null ? null : parseScope('input.scope', input.scope, input.buildingId);
      if (scope && scope.buildingIds.length !== 1) throw badInput('input.scope.buildingIds', 'A common-expense issue splits over one building');
      const buildingId = scope ? scope.buildingIds[0] : input.buildingId;
      if (buildingId == null) throw badInput('input.buildingId', 'A common-expense template needs a building');
      if (!isUuid(buildingId)) throw notFound('input.buildingId', 'No such building');
      const expense = parseCommonExpense('input.commonExpense', input.commonExpense);
      parameters = (scope ? { ...expense, scope } : expense) as unknown as Record<string, unknown>;
      buildingIds = [buildingId];
    }
    // Every building must be one bulk-ops knows and the caller may reach (RLS hides the others).
    const viaScope = (input.scope as { buildingIds?: unknown } | null | undefined)?.buildingIds != null;
    for (const [i, b] of buildingIds.entries()) {
      if (!(await buildingFact(m, tenantId, b))) throw notFound(viaScope ? `input.scope.buildingIds.${i}` : 'input.buildingId', 'No such building');
    }
    const id = randomUUID();
    await insertTemplate(m, tenantId, { id, building_id: buildingIds[0]!, building_ids: buildingIds, name, action, parameters, created_by: cmd.actor });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'bulk-template.created', entityType: 'bulk-template', entityId: id, after: { name, action, buildingIds, parameters } });
    return id;
  });
}
