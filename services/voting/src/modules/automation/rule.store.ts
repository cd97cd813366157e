import type { EntityManager } from 'typeorm';
import type { RuleAction, RuleParams, RuleTerms } from './rule';

export interface RuleRow {
  id: string;
  building_id: string;
  name: string;
  trigger: 'vote_approved';
  category: string | null;
  action: RuleAction;
  min_approval_bp: number;
  assignee: string | null;
  parameters: RuleParams;
  sla_response_hours: number | null;
  sla_completion_days: number | null;
  enabled: boolean;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface ExecutionRow {
  id: string;
  building_id: string;
  vote_id: string;
  rule_id: string;
  action: RuleAction;
  status: 'done' | 'requested' | 'linked';
  task_id: string | null;
  project_id: string | null;
  request_id: string | null;
  work_order_id: string | null;
  vote_closed_at: Date;
  executed_at: Date;
  linked_at: Date | null;
  trace_id: string | null;
}

export interface TaskRow {
  id: string;
  project_id: string | null;
  seq: number;
  title: string;
  description: string | null;
  assignee: string | null;
  status: string;
  respond_by: Date | null;
  due_at: Date | null;
  trace_id: string | null;
  created_at: Date;
}

/** Reads and writes of rules, executions, tasks and projects; tenantId first, row-level security fences tenant and building. */

export async function insertRule(m: EntityManager, tenantId: string, r: RuleTerms & { id: string; buildingId: string; createdBy: string }): Promise<void> {
  await m.query(
    `INSERT INTO automation_rules (id, tenant_id, building_id, name, trigger, category, action, min_approval_bp, assignee, parameters, sla_response_hours, sla_completion_days, enabled, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14)`,
    [r.id, tenantId, r.buildingId, r.name, r.trigger, r.category, r.action, r.minApprovalBasisPoints, r.assignee, JSON.stringify(r.parameters), r.slaResponseHours, r.slaCompletionDays, r.enabled, r.createdBy],
  );
}

export async function findRule(m: EntityManager, tenantId: string, id: string, lock = false): Promise<RuleRow | null> {
  const [row] = await m.query(`SELECT * FROM automation_rules WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
  return row ?? null;
}

export async function setRuleEnabled(m: EntityManager, tenantId: string, id: string, enabled: boolean): Promise<void> {
  await m.query(`UPDATE automation_rules SET enabled = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id, enabled]);
}

/** The building's rules in creation order (the order they execute in). */
export async function buildingRules(m: EntityManager, tenantId: string, buildingId: string): Promise<RuleRow[]> {
  return m.query(`SELECT * FROM automation_rules WHERE tenant_id = $1 AND building_id = $2 ORDER BY created_at, id`, [tenantId, buildingId]);
}

export function pageRules(m: EntityManager, tenantId: string, buildingId: string | null, after: (string | number)[] | null, take: number): Promise<RuleRow[]> {
  return m.query(
    `SELECT * FROM automation_rules WHERE tenant_id = $1 AND ($2::uuid IS NULL OR building_id = $2)
       AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid)) ORDER BY created_at DESC, id DESC LIMIT $5`,
    [tenantId, buildingId, after?.[0] ?? null, after?.[1] ?? null, take],
  );
}

/** Claims the execution of a rule for a vote: false when it ran already (the unique key decides). */
export async function claimExecution(
  m: EntityManager,
  tenantId: string,
  e: { id: string; buildingId: string; voteId: string; ruleId: string; action: RuleAction; status: ExecutionRow['status']; requestId: string | null; voteClosedAt: Date; traceId: string | null },
): Promise<boolean> {
  const rows = await m.query(
    `INSERT INTO automation_executions (id, tenant_id, building_id, vote_id, rule_id, action, status, request_id, vote_closed_at, trace_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (vote_id, rule_id) DO NOTHING RETURNING id`,
    [e.id, tenantId, e.buildingId, e.voteId, e.ruleId, e.action, e.status, e.requestId, e.voteClosedAt, e.traceId],
  );
  return rows.length === 1;
}

export async function setExecutionWork(m: EntityManager, tenantId: string, id: string, w: { taskId?: string | null; projectId?: string | null }): Promise<void> {
  await m.query(`UPDATE automation_executions SET task_id = $3, project_id = $4, executed_at = clock_timestamp() WHERE tenant_id = $1 AND id = $2`, [tenantId, id, w.taskId ?? null, w.projectId ?? null]);
}

export async function executionsOfVote(m: EntityManager, tenantId: string, voteId: string): Promise<ExecutionRow[]> {
  return m.query(`SELECT * FROM automation_executions WHERE tenant_id = $1 AND vote_id = $2 ORDER BY executed_at, id`, [tenantId, voteId]);
}

export async function executionByRequest(m: EntityManager, tenantId: string, requestId: string): Promise<ExecutionRow | null> {
  const [row] = await m.query(`SELECT * FROM automation_executions WHERE tenant_id = $1 AND request_id = $2 FOR UPDATE`, [tenantId, requestId]);
  return row ?? null;
}

export async function linkWorkOrder(m: EntityManager, tenantId: string, id: string, workOrderId: string): Promise<void> {
  await m.query(`UPDATE automation_executions SET work_order_id = $3, status = 'linked', linked_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id, workOrderId]);
}

export async function insertProject(m: EntityManager, tenantId: string, p: { id: string; buildingId: string; voteId: string; ruleId: string; name: string; assignee: string | null; dueAt: Date | null; traceId: string | null }): Promise<void> {
  await m.query(
    `INSERT INTO automation_projects (id, tenant_id, building_id, vote_id, rule_id, name, assignee, due_at, trace_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, clock_timestamp())`,
    [p.id, tenantId, p.buildingId, p.voteId, p.ruleId, p.name, p.assignee, p.dueAt, p.traceId],
  );
}

export async function insertTask(
  m: EntityManager,
  tenantId: string,
  t: { id: string; buildingId: string; voteId: string; ruleId: string; projectId: string | null; seq: number; title: string; description: string | null; assignee: string | null; respondBy: Date | null; dueAt: Date | null; traceId: string | null },
): Promise<void> {
  await m.query(
    `INSERT INTO automation_tasks (id, tenant_id, building_id, vote_id, rule_id, project_id, seq, title, description, assignee, respond_by, due_at, trace_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, clock_timestamp())`,
    [t.id, tenantId, t.buildingId, t.voteId, t.ruleId, t.projectId, t.seq, t.title, t.description, t.assignee, t.respondBy, t.dueAt, t.traceId],
  );
}

export async function tasksByIds(m: EntityManager, tenantId: string, taskIds: readonly string[], projectIds: readonly string[]): Promise<TaskRow[]> {
  return m.query(`SELECT * FROM automation_tasks WHERE tenant_id = $1 AND (id = ANY($2::uuid[]) OR project_id = ANY($3::uuid[])) ORDER BY project_id NULLS FIRST, seq, id`, [tenantId, taskIds, projectIds]);
}

export async function projectsByIds(m: EntityManager, tenantId: string, ids: readonly string[]): Promise<{ id: string; name: string; assignee: string | null; due_at: Date | null; trace_id: string | null; created_at: Date }[]> {
  return m.query(`SELECT id, name, assignee, due_at, trace_id, created_at FROM automation_projects WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, ids]);
}
