import type { RequestContext, Resolvers } from '@commonhold/kit';
import { awardConversionRate, windowDays } from './dashboard';
import { awardedVsPaid, pipeline, upcomingDeliverables } from './dashboard.store';
import { observeDashboard } from './dashboard.metrics';

/** The grants dashboard: pipeline by status, award conversion, upcoming deliverables, awarded vs paid. */
export const dashboardResolvers: Resolvers = {
  Query: {
    grantsDashboard: () => ({}),
  },
  GrantsDashboard: {
    pipeline: (_: unknown, __: unknown, ctx: RequestContext) =>
      observeDashboard(ctx, 'pipeline', async () => {
        const rows = await ctx.tx((m) => pipeline(m, ctx.principal.tenantId));
        const byStatus = new Map<string, { status: string; count: number; requested: { amountMinor: number; currency: string }[] }>();
        for (const r of rows) {
          const s = byStatus.get(r.status) ?? { status: r.status, count: 0, requested: [] };
          s.count += r.count;
          s.requested.push({ amountMinor: r.requestedMinor, currency: r.currency });
          byStatus.set(r.status, s);
        }
        return [...byStatus.values()];
      }),
    awardConversionRate: (_: unknown, __: unknown, ctx: RequestContext) =>
      observeDashboard(ctx, 'conversion', async () => {
        const rows = await ctx.tx((m) => pipeline(m, ctx.principal.tenantId));
        const counts: Record<string, number> = {};
        for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + r.count;
        return awardConversionRate(counts);
      }),
    upcomingDeliverables: (_: unknown, { days }: { days?: number }, ctx: RequestContext) =>
      observeDashboard(ctx, 'deliverables', () => ctx.tx((m) => upcomingDeliverables(m, ctx.principal.tenantId, new Date().toISOString().slice(0, 10), windowDays(days)))),
    awardedVsPaid: (_: unknown, __: unknown, ctx: RequestContext) =>
      observeDashboard(ctx, 'awarded_vs_paid', async () =>
        (await ctx.tx((m) => awardedVsPaid(m, ctx.principal.tenantId))).map((r) => ({
          currency: r.currency,
          awarded: { amountMinor: r.awardedMinor, currency: r.currency },
          paid: { amountMinor: r.paidMinor, currency: r.currency },
        })),
      ),
  },
};
