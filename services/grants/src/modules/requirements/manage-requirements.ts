import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, badInput, idempotent, isUuid, notFound, oneOf, requiredText, writeAudit } from '@commonhold/kit';
import { mustFindRequest, optionalDate } from '../requests';
import { checkFinalReport, checkRequirementMove, reminderEmail, remindDays, REQUIREMENT_STATUSES, REQUIREMENT_TYPES } from './requirement';
import { findRequirement, insertRequirement, setRequirementStatus } from './requirement.store';

interface Command<I> {
  tenantId: string;
  actor: string;
  input: I;
  now?: Date;
}

/** Adds a deliverable (letter of intent … final report) with its due date and reminder to a request that is still open. */
export function addRequirement(
  m: EntityManager,
  cmd: Command<{ requestId?: unknown; type?: unknown; name?: unknown; dueDate?: unknown; finalReport?: unknown; remindDaysBefore?: unknown; reminderEmail?: unknown; idempotencyKey: string }>,
): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'addGrantRequirement', input as unknown as Record<string, unknown>, async () => {
    const type = oneOf('input.type', REQUIREMENT_TYPES, input.type);
    const name = requiredText('input.name', input.name, 200);
    const dueDate = optionalDate('input.dueDate', input.dueDate);
    if (!dueDate) throw badInput('input.dueDate', 'dueDate is required');
    const finalReport = input.finalReport === true;
    checkFinalReport(type, finalReport);
    const remindDaysBefore = remindDays(input.remindDaysBefore);
    const email = reminderEmail(input.reminderEmail);
    const r = await mustFindRequest(m, tenantId, input.requestId);
    if (['CLOSED', 'REJECTED', 'WITHDRAWN'].includes(r.status)) throw new AppError('CONFLICT', `A ${r.status} request takes no new requirements`, { field: 'input.requestId' });
    const id = randomUUID();
    await insertRequirement(m, { id, tenantId, requestId: r.id, type, name, dueDate, finalReport, remindDaysBefore, reminderEmail: email }, cmd.now ?? new Date());
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'grant-requirement.added', entityType: 'GrantRequirement', entityId: id, after: { requestId: r.id, type, name, dueDate, finalReport } });
    return id;
  });
}

/** Submits, approves or returns a deliverable. Approving the final report is what lets the grant close. */
export function changeRequirementStatus(m: EntityManager, cmd: Command<{ requirementId?: unknown; status?: unknown; idempotencyKey: string }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'setGrantRequirementStatus', input as unknown as Record<string, unknown>, async () => {
    const to = oneOf('input.status', REQUIREMENT_STATUSES, input.status);
    const peek = isUuid(input.requirementId) ? await findRequirement(m, tenantId, input.requirementId) : null;
    if (!peek) throw notFound('input.requirementId', `No grant requirement ${String(input.requirementId)}`);
    await mustFindRequest(m, tenantId, peek.requestId, 'input.requirementId');
    const req = (await findRequirement(m, tenantId, peek.id, { lock: true }))!;
    checkRequirementMove(req.status, to);
    await setRequirementStatus(m, tenantId, req.id, to, cmd.now ?? new Date());
    await writeAudit(m, { tenantId, actor: cmd.actor, action: `grant-requirement.${to.toLowerCase()}`, entityType: 'GrantRequirement', entityId: req.id, before: { status: req.status }, after: { status: to } });
    return req.id;
  });
}
