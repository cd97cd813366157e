import { AppError, byIdLoader, manyOf, CREATED_AT_ID, cursorInstant, isUuid, keysetPage, money, notFound, type PageArgs, type RequestContext, type Resolvers } from '@commonhold/kit';
import DataLoader from 'dataloader';
import { findVote, resultOut, voteOut } from '../votes';
import { createRule, setRuleEnabledUseCase } from './create-rule';
import { previewVoteAutomation } from './preview';
import type { ProjectParams, TaskParams, WorkOrderParams } from './rule';
import { executionsOfVote, findRule, pageRules, projectsByIds, tasksByIds, type ExecutionRow, type RuleRow, type TaskRow } from './rule.store';

const who = (ctx: RequestContext) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId });
const up = (s: string) => s.toUpperCase();

const ruleOut = (r: RuleRow) => {
  const p = r.parameters as Partial<{ task: TaskParams; project: ProjectParams; workOrder: WorkOrderParams }>;
  const wo = p.workOrder;
  return {
    id: r.id,
    buildingId: r.building_id,
    name: r.name,
    trigger: up(r.trigger),
    category: r.category,
    action: up(r.action),
    minApprovalPercent: r.min_approval_bp / 100,
    assignee: r.assignee,
    task: p.task ?? null,
    project: p.project ?? null,
    workOrder: wo ? { category: wo.category, title: wo.title, description: wo.description, budget: wo.budgetMinor != null && wo.currency ? money(wo.budgetMinor, wo.currency) : null } : null,
    sla: { responseHours: r.sla_response_hours, completionDays: r.sla_completion_days },
    enabled: r.enabled,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
};

const taskOut = (t: TaskRow) => ({ id: t.id, title: t.title, description: t.description, assignee: t.assignee, status: t.status, respondBy: t.respond_by, dueAt: t.due_at, traceId: t.trace_id, createdAt: t.created_at });

/** Executions with their task or project (and the project's tasks), read in two queries. */
async function executionsOut(ctx: RequestContext, rows: ExecutionRow[]) {
  const tenantId = ctx.principal.tenantId;
  const taskIds = rows.map((r) => r.task_id).filter((x): x is string => !!x);
  const projectIds = rows.map((r) => r.project_id).filter((x): x is string => !!x);
  const [tasks, projects] = await ctx.tx((m) => Promise.all([tasksByIds(m, tenantId, taskIds, projectIds), projectsByIds(m, tenantId, projectIds)]));
  return rows.map((e) => {
    const t = e.task_id ? tasks.find((x) => x.id === e.task_id) : undefined;
    const p = e.project_id ? projects.find((x) => x.id === e.project_id) : undefined;
    return {
      id: e.id,
      ruleId: e.rule_id,
      voteId: e.vote_id,
      action: up(e.action),
      status: up(e.status),
      task: t ? taskOut(t) : null,
      project: p ? { id: p.id, name: p.name, assignee: p.assignee, dueAt: p.due_at, traceId: p.trace_id, createdAt: p.created_at, tasks: tasks.filter((x) => x.project_id === p.id).map(taskOut) } : null,
      requestId: e.request_id,
      workOrderId: e.work_order_id,
      voteClosedAt: e.vote_closed_at,
      executedAt: e.executed_at,
      latencySeconds: Math.max(0, (new Date(e.executed_at).getTime() - new Date(e.vote_closed_at).getTime()) / 1000),
      linkedAt: e.linked_at,
      traceId: e.trace_id,
    };
  });
}

const rulePayload = async (ctx: RequestContext, id: string) => ({ rule: ruleOut((await ctx.tx((m) => findRule(m, ctx.principal.tenantId, id)))!) });

/** Thin: GraphQL in, a use case or a store read, GraphQL out. */
export const automationResolvers: Resolvers = {
  Query: {
    automationRule: async (_: unknown, { id }: { id: string }, ctx) => {
      if (!isUuid(id)) return null;
      const r = await ctx.tx((m) => findRule(m, ctx.principal.tenantId, id));
      return r ? ruleOut(r) : null;
    },
    automationRules: async (_: unknown, args: PageArgs & { buildingId?: string | null }, ctx) => {
      if (args.buildingId != null && !isUuid(args.buildingId)) throw new AppError('BAD_USER_INPUT', 'buildingId must be a building id', { field: 'buildingId' });
      const page = await keysetPage(args, { shape: CREATED_AT_ID, cursorOf: (r: RuleRow) => [cursorInstant(r.created_at), r.id] }, ({ after, take }) =>
        ctx.tx((m) => pageRules(m, ctx.principal.tenantId, args.buildingId ?? null, after, take)),
      );
      return { ...page, edges: page.edges.map((e) => ({ ...e, node: ruleOut(e.node) })) };
    },
    previewVoteAutomation: async (_: unknown, { voteId }: { voteId: string }, ctx) => {
      const p = await ctx.tx(async (m) => {
        const vote = isUuid(voteId) ? await findVote(m, ctx.principal.tenantId, voteId) : null;
        if (!vote) throw notFound('voteId', 'No such vote');
        return previewVoteAutomation(m, ctx.principal.tenantId, vote);
      });
      const executions = await executionsOut(ctx, p.items.map((i) => i.execution).filter((e): e is ExecutionRow => !!e));
      return {
        vote: voteOut(p.vote),
        result: resultOut(p.result, p.vote.options),
        provisional: p.provisional,
        items: p.items.map((i) => ({ rule: ruleOut(i.rule), fires: i.fires, decision: i.reason, execution: executions.find((e) => e.ruleId === i.rule.id) ?? null })),
      };
    },
  },
  Mutation: {
    createAutomationRule: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx) => {
      await ctx.feature.require('ENABLE_VOTE_AUTOMATION');
      return rulePayload(ctx, await ctx.tx((m) => createRule(m, { ...who(ctx), input })));
    },
    setAutomationRuleEnabled: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx) => {
      await ctx.feature.require('ENABLE_VOTE_AUTOMATION');
      return rulePayload(ctx, await ctx.tx((m) => setRuleEnabledUseCase(m, { ...who(ctx), input })));
    },
  },
  Vote: {
    automation: async (v: { id: string }, _: unknown, ctx: RequestContext) => {
      const loader = ctx.loader('vote-automation', () => new DataLoader<string, ExecutionRow[]>(async (ids) => {
        const rows = (await ctx.tx((m) => Promise.all(ids.map((id) => executionsOfVote(m, ctx.principal.tenantId, id))))) as ExecutionRow[][];
        return rows;
      }));
      return executionsOut(ctx, await loader.load(v.id));
    },
  },
  AutomationRule: {
    // One transaction for every reference of the request (`_entities` may carry hundreds): a connection, not one each.
    __resolveReference: async (ref: { id: string }, ctx: RequestContext) => {
      const r = await byIdLoader(ctx, 'automation-rule-refs', (m, ids) => manyOf(ids, (id) => findRule(m, ctx.principal.tenantId, id))).load(ref.id);
      return r ? ruleOut(r) : null;
    },
  },
};
