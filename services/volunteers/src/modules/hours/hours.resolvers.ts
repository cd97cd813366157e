import DataLoader from 'dataloader';
import { badInput, type RequestContext, type Resolvers } from '@commonhold/kit';
import { jobLoader } from '../shifts';
import { noShowRate } from './hours';
import { activitySummary, hoursByJobAndMonth, volunteeringOf, type VolunteeringRow } from './hours.store';

type Ctx = RequestContext;

const volunteeringLoader = (ctx: Ctx) =>
  ctx.loader('volunteering', () => new DataLoader<string, VolunteeringRow | null>((ids) => ctx.tx((m) => volunteeringOf(m, ctx.principal.tenantId, ids, new Date().getUTCFullYear()))));

const reportYear = (year: unknown): number => {
  if (!Number.isInteger(year) || (year as number) < 2000 || (year as number) > 2100) throw badInput('year', 'year must be from 2000 to 2100');
  return year as number;
};

/** Thin: Contact.volunteering (through federation) and the volunteering report. */
export const hoursResolvers: Resolvers = {
  Query: {
    volunteerReport: async (_: unknown, { year }: { year: number }, ctx: Ctx) => {
      const y = reportYear(year);
      const [byJob, summary] = await ctx.tx(async (m) => [await hoursByJobAndMonth(m, ctx.principal.tenantId, y), await activitySummary(m, ctx.principal.tenantId, y)] as const);
      return {
        year: y,
        hoursByJobAndMonth: byJob.map((r) => ({ jobId: r.jobId, month: r.month, hours: r.minutes / 60 })),
        activeVolunteers: summary.active,
        churnedVolunteers: summary.churned,
        noShowRate: noShowRate(summary.completed, summary.noShows),
      };
    },
  },
  Contact: {
    volunteering: async (c: { id: string }, _: unknown, ctx: Ctx) => {
      const v = await volunteeringLoader(ctx).load(c.id);
      if (!v) return null;
      return { totalHours: v.totalMinutes / 60, hoursThisYear: v.minutesThisYear / 60, firstVolunteeredAt: v.firstVolunteeredAt, lastVolunteeredAt: v.lastVolunteeredAt };
    },
  },
  VolunteerHoursByJobMonth: {
    job: (r: { jobId: string }, _: unknown, ctx: Ctx) => jobLoader(ctx).load(r.jobId),
  },
};
