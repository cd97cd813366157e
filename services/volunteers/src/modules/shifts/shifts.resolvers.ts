import type { PageArgs, RequestContext, Resolvers } from '@commonhold/kit';
import { isUuid } from '@commonhold/kit';
import { createJob } from './create-job';
import { scheduleShifts } from './schedule-shifts';
import { jobLoader, shiftLoader } from './shift.loader';
import { pageJobs, pageShifts, type JobRow, type ShiftRow } from './shift.store';

type Ctx = RequestContext;
const EMPTY = { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
const cmd = <I>(ctx: Ctx, input: I) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, input });

/** Thin: GraphQL in, a use case or a read, GraphQL out. */
export const shiftsResolvers: Resolvers = {
  Query: {
    volunteerJobs: (_: unknown, args: PageArgs, ctx: Ctx) => ctx.tx((m) => pageJobs(m, ctx.principal.tenantId, args)),
    volunteerJob: (_: unknown, { id }: { id: string }, ctx: Ctx) => jobLoader(ctx).load(id),
    volunteerShift: (_: unknown, { id }: { id: string }, ctx: Ctx) => shiftLoader(ctx).load(id),
  },
  Mutation: {
    createVolunteerJob: async (_: unknown, { input }: { input: Record<string, unknown> & { idempotencyKey: string } }, ctx: Ctx) => {
      const id = await ctx.tx((m) => createJob(m, cmd(ctx, input)));
      return { job: await jobLoader(ctx).load(id) };
    },
    scheduleVolunteerShifts: async (_: unknown, { input }: { input: Record<string, unknown> & { jobId: string; idempotencyKey: string } }, ctx: Ctx) => {
      const ids = await ctx.tx((m) => scheduleShifts(m, cmd(ctx, input)));
      return { shifts: await shiftLoader(ctx).loadMany(ids) };
    },
  },
  VolunteerJob: {
    shifts: (j: JobRow, args: PageArgs & { from?: string | null }, ctx: Ctx) =>
      args.from != null && Number.isNaN(new Date(args.from).getTime()) ? EMPTY : ctx.tx((m) => pageShifts(m, ctx.principal.tenantId, j.id, args.from == null ? null : new Date(args.from), args)),
  },
  VolunteerShift: {
    job: (s: ShiftRow, _: unknown, ctx: Ctx) => (isUuid(s.jobId) ? jobLoader(ctx).load(s.jobId) : null),
    endsAt: (s: ShiftRow) => new Date(new Date(s.startsAt).getTime() + s.durationMinutes * 60_000),
  },
};
