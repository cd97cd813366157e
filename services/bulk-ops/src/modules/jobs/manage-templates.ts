import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { idempotent, isUuid, notFound, oneOf, requiredText, writeAudit } from '@commonhold/kit';
import { buildingFact } from '../directory';
import { ACTIONS, parseCommonExpense } from './job';
import { insertTemplate } from './job.store';

export interface Command<I> {
  tenantId: string;
  actor: string;
  input: I & { idempotencyKey?: unknown };
}

/** Saves a template: a building (the scope), an action and its parameters, to start jobs from. */
export function createTemplate(m: EntityManager, cmd: Command<Record<string, unknown>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createBulkTemplate', input, async () => {
    const name = requiredText('input.name', input.name, 200);
    // Templates hold common-expense issues for now; a reminder is created as a job with its scope.
    const action = oneOf('input.action', ACTIONS.filter((a) => a === 'common_expense_issue'), typeof input.action === 'string' ? input.action.toLowerCase() : input.action);
    const parameters = parseCommonExpense('input.commonExpense', input.commonExpense);
    if (!isUuid(input.buildingId) || !(await buildingFact(m, tenantId, input.buildingId))) throw notFound('input.buildingId', 'No such building');
    const id = randomUUID();
    await insertTemplate(m, tenantId, { id, building_id: input.buildingId, name, action, parameters: parameters as unknown as Record<string, unknown>, created_by: cmd.actor });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'bulk-template.created', entityType: 'bulk-template', entityId: id, after: { name, action, buildingId: input.buildingId, parameters } });
    return id;
  });
}
