import { AppError, isUuid, money, type RequestContext, type Resolvers } from '@commonhold/kit';
import { loadBuilding } from '../buildings';
import { agingOut, calendarDate, daysBetween, todayUtc } from '../ledger';
import { collectionRateBasisPoints } from './dashboard';
import { overviewCounts, periodMovements, totalsByCurrency } from './dashboard.store';

type Ctx = RequestContext;
const tenant = (ctx: Ctx) => ctx.principal.tenantId;

/** Thin: GraphQL in, the dashboard reads, GraphQL out. */
export const dashboardResolvers: Resolvers = {
  Query: {
    collectionsOverview: (_: unknown, args: { asOf?: string | null }, ctx: Ctx) => {
      const asOf = args.asOf == null ? todayUtc() : calendarDate('asOf', args.asOf);
      return ctx.tx(async (m) => {
        const counts = await overviewCounts(m, tenant(ctx));
        const totals = await totalsByCurrency(m, tenant(ctx), asOf, null);
        return {
          asOf,
          ...counts,
          apartmentsInArrears: totals.reduce((s, t) => s + t.apartmentsInArrears, 0),
          totals: totals.map((t) => ({ currency: t.currency, balance: money(t.balanceMinor, t.currency), aging: agingOut(t, t.currency), apartmentsInArrears: t.apartmentsInArrears })),
        };
      });
    },
    buildingCollectionsSummary: (_: unknown, args: { buildingId: string; from: string; to: string }, ctx: Ctx) => {
      const from = calendarDate('from', args.from);
      const to = calendarDate('to', args.to);
      if (to < from) throw new AppError('BAD_USER_INPUT', 'to must not be before from', { field: 'to' });
      if (daysBetween(from, to) > 3 * 366) throw new AppError('BAD_USER_INPUT', 'a summary covers at most 3 years', { field: 'to' });
      if (!isUuid(args.buildingId)) return null;
      return ctx.tx(async (m) => {
        const building = await loadBuilding(m, tenant(ctx), args.buildingId, 'buildingId').catch(() => null);
        if (!building) return null;
        const p = await periodMovements(m, tenant(ctx), building.id, from, to);
        const [t] = await totalsByCurrency(m, tenant(ctx), to, building.id);
        const c = building.currency;
        const zero = { notDue: 0, d0_30: 0, d31_60: 0, d61_90: 0, d90Plus: 0 };
        return {
          building,
          from,
          to,
          openingBalance: money(p.openingMinor, c),
          charged: money(p.chargedMinor, c),
          collected: money(p.collectedMinor, c),
          adjusted: money(p.adjustedMinor, c),
          closingBalance: money(p.openingMinor + p.chargedMinor - p.collectedMinor + p.adjustedMinor, c),
          collectionRateBasisPoints: collectionRateBasisPoints(p.collectedMinor, p.chargedMinor),
          aging: agingOut(t ?? zero, c),
          apartmentsInArrears: t?.apartmentsInArrears ?? 0,
        };
      });
    },
  },
};
