import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { EntityManager } from 'typeorm';
import { newEvent, publishEvents, writeAudit, type ServiceRuntime } from '@commonhold/kit';
import { findBuilding } from '../directory';
import { currentTraceId, type VoteClosedHandler } from '../votes';
import { automationMetrics } from './automation.metrics';
import { ruleDecision, WORK_ORDER_REQUEST_NAMESPACE, type ProjectParams, type TaskParams, type WorkOrderParams } from './rule';
import { buildingRules, claimExecution, insertProject, insertTask, setExecutionWork, type RuleRow } from './rule.store';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The work-order request id of a vote and rule: the same pair always asks for the same work order. */
export const workOrderRequestId = (voteId: string, ruleId: string) => uuidv5(`${voteId}:${ruleId}`, WORK_ORDER_REQUEST_NAMESPACE);

/** The moment a vote closed for the latency metric: its closing time, or earlier when closed by hand. */
const closeInstant = (closesAt: Date, closedAt: Date) => new Date(Math.min(closesAt.getTime(), closedAt.getTime()));

/**
 * Runs the building's matching rules when a vote closes approved (NC-402), inside the closing
 * transaction: each rule once per vote (its execution row's unique key is the idempotency key), creating
 * a task, a project with its tasks, or a work-order request to vendors through the outbox. Every step
 * is audited under the vote's trace id; the vote-to-task latency is observed per action.
 */
export function executeRulesOnClose(rt: ServiceRuntime): VoteClosedHandler {
  return async (m, { tenantId, vote, result, closedAt }) => {
    const actor = `vote:${vote.id}`;
    if (!(await rt.flags.isOn('ENABLE_VOTE_AUTOMATION', tenantId))) {
      await writeAudit(m, { tenantId, actor, action: 'vote.automation-skipped', entityType: 'vote', entityId: vote.id, after: { reason: 'ENABLE_VOTE_AUTOMATION is off' } });
      return;
    }
    const rules = await buildingRules(m, tenantId, vote.building_id);
    const facts = { closed: true, outcome: result.outcome, category: vote.category, approvalBasisPoints: result.approvalBasisPoints };
    const metrics = automationMetrics(rt.metrics.registry);
    const closed = closeInstant(vote.closes_at, closedAt);
    for (const rule of rules) {
      if (!ruleDecision({ enabled: rule.enabled, category: rule.category, minApprovalBasisPoints: rule.min_approval_bp }, facts).fires) continue;
      const executionId = randomUUID();
      const requestId = rule.action === 'work_order' ? workOrderRequestId(vote.id, rule.id) : null;
      const traceId = currentTraceId();
      const claimed = await claimExecution(m, tenantId, {
        id: executionId,
        buildingId: vote.building_id,
        voteId: vote.id,
        ruleId: rule.id,
        action: rule.action,
        status: rule.action === 'work_order' ? 'requested' : 'done',
        requestId,
        voteClosedAt: closed,
        traceId,
      });
      if (!claimed) continue;
      const work = await execute(m, rt, tenantId, rule, { voteId: vote.id, buildingId: vote.building_id, title: vote.title, closedAt, requestId, actor, traceId });
      await setExecutionWork(m, tenantId, executionId, work);
      await writeAudit(m, {
        tenantId,
        actor,
        action: 'automation-execution.executed',
        entityType: 'automation-execution',
        entityId: executionId,
        after: { voteId: vote.id, ruleId: rule.id, action: rule.action, ...work, requestId },
      });
      // Counted in the transaction: an attempt rolled back and retried counts again (rare; the
      // executions table, with vote_closed_at and executed_at, is the record).
      metrics.voteToTask.observe({ action: rule.action }, Math.max(0, (Date.now() - closed.getTime()) / 1000));
    }
  };
}

interface Context {
  voteId: string;
  buildingId: string;
  title: string;
  closedAt: Date;
  requestId: string | null;
  actor: string;
  traceId: string | null;
}

async function execute(m: EntityManager, rt: ServiceRuntime, tenantId: string, rule: RuleRow, c: Context): Promise<{ taskId?: string; projectId?: string }> {
  const respondBy = rule.sla_response_hours ? new Date(c.closedAt.getTime() + rule.sla_response_hours * HOUR) : null;
  const dueAt = rule.sla_completion_days ? new Date(c.closedAt.getTime() + rule.sla_completion_days * DAY) : null;
  const base = { buildingId: c.buildingId, voteId: c.voteId, ruleId: rule.id, assignee: rule.assignee, respondBy, dueAt, traceId: c.traceId };
  if (rule.action === 'task') {
    const p = (rule.parameters as { task: TaskParams }).task;
    const taskId = randomUUID();
    await insertTask(m, tenantId, { ...base, id: taskId, projectId: null, seq: 1, title: p.title, description: p.description });
    await writeAudit(m, { tenantId, actor: c.actor, action: 'automation-task.created', entityType: 'automation-task', entityId: taskId, after: { voteId: c.voteId, ruleId: rule.id, title: p.title, assignee: rule.assignee, dueAt } });
    return { taskId };
  }
  if (rule.action === 'project') {
    const p = (rule.parameters as { project: ProjectParams }).project;
    const projectId = randomUUID();
    await insertProject(m, tenantId, { id: projectId, buildingId: c.buildingId, voteId: c.voteId, ruleId: rule.id, name: p.name, assignee: rule.assignee, dueAt, traceId: c.traceId });
    await writeAudit(m, { tenantId, actor: c.actor, action: 'automation-project.created', entityType: 'automation-project', entityId: projectId, after: { voteId: c.voteId, ruleId: rule.id, name: p.name, tasks: p.tasks.length } });
    for (const [i, title] of p.tasks.entries()) {
      const taskId = randomUUID();
      await insertTask(m, tenantId, { ...base, id: taskId, projectId, seq: i + 1, title, description: null });
      await writeAudit(m, { tenantId, actor: c.actor, action: 'automation-task.created', entityType: 'automation-task', entityId: taskId, after: { voteId: c.voteId, ruleId: rule.id, projectId, title } });
    }
    return { projectId };
  }
  const p = (rule.parameters as { workOrder: WorkOrderParams }).workOrder;
  const building = await findBuilding(m, tenantId, c.buildingId);
  const data = {
    requestId: c.requestId!,
    voteId: c.voteId,
    ruleId: rule.id,
    buildingId: c.buildingId,
    category: p.category,
    title: p.title,
    description: p.description,
    budgetMinor: p.budgetMinor,
    currency: p.currency ?? building?.currency ?? 'GBP',
    responseHours: rule.sla_response_hours,
    completionDays: rule.sla_completion_days,
    requestedAt: new Date().toISOString(),
  };
  await publishEvents(m, rt.registry, tenantId, [newEvent('commonhold.voting.work-order.requested.v1', c.requestId!, data, c.buildingId)]);
  await writeAudit(m, { tenantId, actor: c.actor, action: 'work-order.requested', entityType: 'work-order-request', entityId: c.requestId!, after: data });
  return {};
}
