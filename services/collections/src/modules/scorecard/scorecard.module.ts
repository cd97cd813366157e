import { defineModule, type RequestContext } from '@commonhold/kit';
import { checkDays, collectionsScorecard } from './scorecard';

/**
 * The programme KPI scorecard's root (`programmeKpis`) and collections' part of it: collection rate
 * and reconciliation of the caller's tenant. bulk-ops, voting and vendors answer their fields of the
 * same `ProgrammeKpis` entity. Tenant-wide figures: global scope only.
 */
export const scorecardModule = defineModule({
  name: 'scorecard',
  permissions: { Query: { programmeKpis: 'kpis:read' }, entities: { ProgrammeKpis: 'kpis:read' } },
  resolvers: {
    Query: {
      programmeKpis: async (_: unknown, { days }: { days: number }, ctx: RequestContext) => {
        checkDays(days);
        return { days, ...(await ctx.tx((m) => collectionsScorecard(m, ctx.principal.tenantId, days))) };
      },
    },
    ProgrammeKpis: {
      __resolveReference: async (ref: { days: number }, ctx: RequestContext) => ({ days: ref.days, ...(await ctx.tx((m) => collectionsScorecard(m, ctx.principal.tenantId, ref.days))) }),
    },
  },
});
