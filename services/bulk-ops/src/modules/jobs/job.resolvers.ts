import { badInput, byIdLoader, manyOf, CREATED_AT_ID, cursorInstant, isUuid, keysetPage, money, type PageArgs, type RequestContext, type Resolvers } from '@commonhold/kit';
import DataLoader from 'dataloader';
import { createJob } from './create-job';
import { dryRunJob } from './dry-run-job';
import { cancelJob, executeJob, retryJob } from './execute-job';
import { createTemplate } from './manage-templates';
import { visibleState } from './job';
import { findJob, findTemplate, itemErrors, jobItems, pageJobErrors, pageJobs, pageTemplates, progress, type ErrorRow, type ItemRow, type JobRow, type TemplateRow } from './job.store';
import { overview } from './overview.store';
import type { BuildingImpact, CommonExpenseParams, ValidationIssue } from './preview';
import type { ReminderParams } from './job';
import type { Scope } from './scope';

const who = (ctx: RequestContext) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId });
const up = (s: string) => s.toUpperCase();

const commonExpense = (p: CommonExpenseParams) => ({
  amount: p.amount,
  method: up(p.method),
  customWeights: p.customWeights ?? null,
  dueOn: p.dueOn ?? null,
  description: p.description ?? null,
});


const impactOut = (i: BuildingImpact) => ({
  buildingId: i.buildingId,
  items: i.items,
  validItems: i.validItems,
  invalidItems: i.invalidItems,
  chargeTotal: money(i.chargeTotalMinor, i.currency),
  balanceBeforeTotal: money(i.balanceBeforeTotalMinor, i.currency),
  balanceAfterTotal: money(i.balanceAfterTotalMinor, i.currency),
});

/** Validation errors stored before `blocking` existed all blocked. */
const issuesOut = (errors: ValidationIssue[]) => errors.map((e) => ({ ...e, blocking: e.blocking !== false }));

const reminderOut = (p: ReminderParams) => ({ template: p.template, message: p.message ?? null });

const scopeOut = (j: Pick<JobRow, 'building_id' | 'building_ids' | 'parameters'>) => {
  const s = (j.parameters as { scope?: Scope }).scope ?? null;
  return {
    buildingIds: j.building_ids ?? [j.building_id],
    apartmentIds: s?.apartmentIds ?? null,
    floors: s?.floors ?? null,
    minBalanceOwed: s?.minBalanceOwed ? money(s.minBalanceOwed.amountMinor, s.minBalanceOwed.currency) : null,
    listRows: s?.list ? s.list.length : null,
  };
};

const templateOut = (t: TemplateRow) => ({
  id: t.id,
  name: t.name,
  action: up(t.action),
  buildingId: t.building_id,
  buildingIds: t.building_ids ?? [t.building_id],
  commonExpense: t.action === 'reminder' ? null : commonExpense(t.parameters as unknown as CommonExpenseParams),
  reminder: t.action === 'reminder' ? reminderOut(t.parameters as unknown as ReminderParams) : null,
  scope: scopeOut({ building_id: t.building_id, building_ids: t.building_ids, parameters: t.parameters }),
  createdBy: t.created_by,
  createdAt: t.created_at,
});

const jobOut = (j: JobRow) => ({
  id: j.id,
  action: up(j.action),
  status: up(visibleState(j.status, j.preview_expires_at)),
  buildingId: j.building_id,
  buildingIds: j.building_ids ?? [j.building_id],
  templateId: j.template_id,
  commonExpense: j.action === 'reminder' ? null : commonExpense(j.parameters as CommonExpenseParams),
  reminder: j.action === 'reminder' ? reminderOut(j.parameters as ReminderParams) : null,
  scope: scopeOut(j),
  previewHash: j.preview_hash,
  previewedAt: j.previewed_at,
  previewExpiresAt: j.preview_expires_at,
  validationErrors: issuesOut(j.job_errors),
  estimatedImpact: (j.impact ?? []).map(impactOut),
  traceId: j.trace_id,
  createdBy: j.created_by,
  createdAt: j.created_at,
  updatedAt: j.updated_at,
  queuedAt: j.queued_at,
  completedAt: j.completed_at,
});

const errorOut = (e: ErrorRow) => ({ id: e.id, itemId: e.item_id, attempt: e.attempt, code: e.code, message: e.message, field: e.field, retryable: e.retryable, occurredAt: e.created_at });

const itemOut = (i: ItemRow) => ({
  id: i.id,
  apartmentId: i.apartment_id,
  unit: i.unit,
  weight: i.weight,
  balanceBefore: money(i.balance_before_minor, i.currency),
  charge: money(i.charge_minor, i.currency),
  balanceAfter: money(i.balance_after_minor, i.currency),
  validationErrors: issuesOut(i.validation_errors),
  status: up(i.status),
  attempts: i.attempts,
  ledgerEntryId: i.ledger_entry_id,
  channel: i.channel ? up(i.channel) : null,
  ownerPartyId: i.party_id,
  deliveryKey: i.delivery_key,
  traceId: i.trace_id,
  updatedAt: i.updated_at,
});

type JobOut = ReturnType<typeof jobOut>;
const jobPayload = async (ctx: RequestContext, id: string) => ({ job: jobOut((await ctx.tx((m) => findJob(m, ctx.principal.tenantId, id)))!) });
const jobCursor = (r: JobRow | TemplateRow) => [cursorInstant(r.created_at), r.id];

/** Thin: GraphQL in, a use case or a store read, GraphQL out. */
export const jobResolvers: Resolvers = {
  Query: {
    bulkJob: async (_: unknown, { id }: { id: string }, ctx) => {
      if (!isUuid(id)) return null;
      const j = await ctx.tx((m) => findJob(m, ctx.principal.tenantId, id));
      return j ? jobOut(j) : null;
    },
    bulkJobs: async (_: unknown, args: PageArgs & { status?: string | null }, ctx) => {
      // EXPIRED is not stored: it is a dry run past its expiry.
      const status = args.status ? (args.status === 'EXPIRED' ? 'dry_run_ready' : args.status.toLowerCase()) : null;
      const page = await keysetPage(args, { shape: CREATED_AT_ID, cursorOf: jobCursor }, ({ after, take }) => ctx.tx((m) => pageJobs(m, ctx.principal.tenantId, status, after, take)));
      return { ...page, edges: page.edges.map((e) => ({ ...e, node: jobOut(e.node) })) };
    },
    bulkJobsOverview: async (_: unknown, args: { since?: Date | null }, ctx) => {
      const now = Date.now();
      const since = args.since ? new Date(args.since) : new Date(now - 24 * 3600_000);
      if (since.getTime() > now || since.getTime() < now - 90 * 86_400_000) throw badInput('since', 'since must be within the last 90 days');
      const r = await ctx.tx((m) => overview(m, ctx.principal.tenantId, since));
      return {
        since,
        activeJobs: r.active_jobs,
        completedJobs: r.completed_jobs,
        completedWithErrorsJobs: r.completed_with_errors_jobs,
        failedJobs: r.failed_jobs,
        itemFailures: r.item_failures,
        averageCompletionSeconds: r.average_completion_seconds,
      };
    },
    bulkTemplate: async (_: unknown, { id }: { id: string }, ctx) => {
      if (!isUuid(id)) return null;
      const t = await ctx.tx((m) => findTemplate(m, ctx.principal.tenantId, id));
      return t ? templateOut(t) : null;
    },
    bulkTemplates: async (_: unknown, args: PageArgs, ctx) => {
      const page = await keysetPage(args, { shape: CREATED_AT_ID, cursorOf: jobCursor }, ({ after, take }) => ctx.tx((m) => pageTemplates(m, ctx.principal.tenantId, after, take)));
      return { ...page, edges: page.edges.map((e) => ({ ...e, node: templateOut(e.node) })) };
    },
  },
  Mutation: {
    createBulkTemplate: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx) => {
      const t = await ctx.tx(async (m) => findTemplate(m, ctx.principal.tenantId, await createTemplate(m, { ...who(ctx), input })));
      return { template: templateOut(t!) };
    },
    createBulkJob: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx) => jobPayload(ctx, await ctx.tx((m) => createJob(m, { ...who(ctx), input }))),
    dryRunBulkJob: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx) => jobPayload(ctx, await ctx.tx((m) => dryRunJob(m, { ...who(ctx), input }))),
    executeBulkJob: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx) =>
      jobPayload(ctx, await ctx.tx((m) => executeJob(m, ctx.runtime.registry, { ...who(ctx), input }))),
    retryBulkJob: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx) => jobPayload(ctx, await ctx.tx((m) => retryJob(m, ctx.runtime.registry, { ...who(ctx), input }))),
    cancelBulkJob: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx) => jobPayload(ctx, await ctx.tx((m) => cancelJob(m, { ...who(ctx), input }))),
  },
  BulkJob: {
    // One transaction for every reference of the request (`_entities` may carry hundreds): a connection, not one each.
    __resolveReference: async (ref: { id: string }, ctx: RequestContext) => {
      const j = await byIdLoader(ctx, 'bulk-job-refs', (m, ids) => manyOf(ids, (id) => findJob(m, ctx.principal.tenantId, id))).load(ref.id);
      return j ? jobOut(j) : null;
    },
    template: async (j: JobOut & { templateId: string | null }, _: unknown, ctx: RequestContext) => {
      if (!j.templateId) return null;
      const t = await ctx.tx((m) => findTemplate(m, ctx.principal.tenantId, j.templateId!));
      return t ? templateOut(t) : null;
    },
    progress: async (j: JobOut, _: unknown, ctx: RequestContext) => {
      const p = await ctx.tx((m) => progress(m, ctx.principal.tenantId, j.id));
      return { total: p.total, done: p.succeeded + p.failed, succeeded: p.succeeded, failed: p.failed, pending: p.queued };
    },
    items: async (j: JobOut, args: PageArgs & { status?: string | null }, ctx: RequestContext) => {
      const page = await keysetPage(args, { shape: ['int'], cursorOf: (r: ItemRow) => [r.seq], max: 500, defaultSize: 50 }, ({ after, take }) =>
        ctx.tx((m) => jobItems(m, ctx.principal.tenantId, j.id, { status: args.status ? args.status.toLowerCase() : null, after: Number(after?.[0] ?? 0), take })),
      );
      return { ...page, edges: page.edges.map((e) => ({ ...e, node: itemOut(e.node) })) };
    },
    errors: async (j: JobOut, args: PageArgs, ctx: RequestContext) => {
      const page = await keysetPage(args, { shape: CREATED_AT_ID, cursorOf: (r: ErrorRow) => [cursorInstant(r.created_at), r.id], max: 500, defaultSize: 50 }, ({ after, take }) =>
        ctx.tx((m) => pageJobErrors(m, ctx.principal.tenantId, j.id, after, take)),
      );
      return { ...page, edges: page.edges.map((e) => ({ ...e, node: errorOut(e.node) })) };
    },
  },
  BulkJobItem: {
    errors: async (i: { id: string }, _: unknown, ctx: RequestContext) => {
      const loader = ctx.loader('bulk-item-errors', () => new DataLoader<string, ReturnType<typeof errorOut>[]>(async (ids) => {
        const rows = await ctx.tx((m) => itemErrors(m, ctx.principal.tenantId, ids));
        return ids.map((id) => rows.filter((r) => r.item_id === id).map(errorOut));
      }));
      return loader.load(i.id);
    },
  },
  BulkTemplate: {
    __resolveReference: async (ref: { id: string }, ctx: RequestContext) => {
      const t = await byIdLoader(ctx, 'bulk-template-refs', (m, ids) => manyOf(ids, (id) => findTemplate(m, ctx.principal.tenantId, id))).load(ref.id);
      return t ? templateOut(t) : null;
    },
  },
};
