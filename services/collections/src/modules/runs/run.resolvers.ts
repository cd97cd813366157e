import { byIdLoader, isUuid, money, type PageArgs, type RequestContext, type Resolvers } from '@commonhold/kit';
import { apartmentLoader, buildingLoader } from '../buildings';
import { findPolicy } from '../dunning';
import { requireGlobalScope } from '../../shared/access';
import { who } from '../../shared/core.resolvers';
import { redriveDunningReminder } from './redrive-reminder';
import { findEvent, findRun, logsOf, pageEventsOfRun, pageRuns, type EventRow, type RunRow } from './run.store';
import { scheduleOf, setDunningSchedule } from './set-schedule';
import { startDunningRun } from './start-run';
import { dunningWorkerOf } from './worker';

type Ctx = RequestContext;
type Input = { input: Record<string, any> & { idempotencyKey: string } };
const tenant = (ctx: Ctx) => ctx.principal.tenantId;
const up = (v: string | null | undefined) => (v == null ? null : v === 'd90Plus' ? 'D90_PLUS' : v.toUpperCase());
const runLoader = (ctx: Ctx) =>
  byIdLoader<RunRow>(ctx, 'dunning-runs', async (m, ids) => (await Promise.all(ids.map((id) => findRun(m, tenant(ctx), id)))).filter((r) => r !== null));
const eventLoader = (ctx: Ctx) =>
  byIdLoader<EventRow>(ctx, 'dunning-events', async (m, ids) => (await Promise.all(ids.map((id) => findEvent(m, tenant(ctx), id)))).filter((r) => r !== null));

/** Thin: GraphQL in, a use case or a read, GraphQL out. */
export const runResolvers: Resolvers = {
  Query: {
    dunningRun: (_: unknown, { id }: { id: string }, ctx: Ctx) => (isUuid(id) ? runLoader(ctx).load(id) : null),
    dunningRuns: (_: unknown, args: PageArgs, ctx: Ctx) => ctx.tx((m) => pageRuns(m, tenant(ctx), args)),
    dunningSchedule: (_: unknown, __: unknown, ctx: Ctx) => ctx.tx((m) => scheduleOf(m, tenant(ctx))),
  },
  DunningRun: {
    trigger: (r: RunRow) => up(r.trigger),
    status: (r: RunRow) => up(r.status),
    events: (r: RunRow, args: PageArgs & { status?: string | null }, ctx: Ctx) =>
      ctx.tx((m) =>
        pageEventsOfRun(m, tenant(ctx), r.id, {
          ...args,
          status: args.status ? args.status.toLowerCase() : null,
        }),
      ),
  },
  DunningEvent: {
    run: (e: EventRow, _: unknown, ctx: Ctx) => runLoader(ctx).load(e.runId),
    apartment: (e: EventRow, _: unknown, ctx: Ctx) => apartmentLoader(ctx).load(e.apartmentId),
    building: (e: EventRow, _: unknown, ctx: Ctx) => buildingLoader(ctx).load(e.buildingId),
    kind: (e: EventRow) => up(e.kind),
    channel: (e: EventRow) => up(e.channel),
    bucket: (e: EventRow) => (e.bucket === 'broken_promise' || e.bucket === 'notDue' ? null : up(e.bucket)),
    escalation: (e: EventRow) => up(e.escalation),
    status: (e: EventRow) => up(e.status),
    overdue: (e: EventRow) => money(e.overdueMinor, e.currency),
    policy: (e: EventRow, _: unknown, ctx: Ctx) => ctx.tx((m) => findPolicy(m, tenant(ctx), e.policyId)),
    retries: (e: EventRow) => Math.max(0, e.attempts - 1),
    timeline: (e: EventRow, _: unknown, ctx: Ctx) => ctx.tx((m) => logsOf(m, tenant(ctx), [e.id])),
  },
  Mutation: {
    startDunningRun: async (_: unknown, { input }: Input, ctx: Ctx) => {
      // A run spans buildings.
      requireGlobalScope(ctx.principal, 'A dunning run');
      const worker = await dunningWorkerOf(ctx.runtime);
      const id = await ctx.tx(async (m) => {
        const runId = await startDunningRun(m, { ...who(ctx), input });
        // Queued in the run's own transaction: committed together or not at all.
        if (input.dryRun !== true) await worker.enqueueRun(tenant(ctx), runId, m);
        return runId;
      });
      return { run: await runLoader(ctx).load(id) };
    },
    setDunningSchedule: async (_: unknown, { input }: Input, ctx: Ctx) => {
      requireGlobalScope(ctx.principal, 'The tenant’s dunning schedule');
      return {
        schedule: await ctx.tx((m) => setDunningSchedule(m, { ...who(ctx), input })),
      };
    },
    redriveDunningReminder: async (_: unknown, { input }: Input, ctx: Ctx) => {
      const worker = await dunningWorkerOf(ctx.runtime);
      const { id } = await ctx.tx(async (m) => {
        const r = await redriveDunningReminder(m, { ...who(ctx), input });
        await worker.enqueueRun(tenant(ctx), r.runId, m);
        return r;
      });
      return { event: await eventLoader(ctx).load(id) };
    },
  },
};
