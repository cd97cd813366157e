import { defineModule, type RequestContext } from '@commonhold/kit';
import { slaBreaches, windowStart } from './scorecard';

/**
 * Vendors' part of the programme KPI scorecard (`ProgrammeKpis`, served by collections'
 * `programmeKpis`): SLA breaches over the window. Tenant-wide figures: global scope only.
 */
export const scorecardModule = defineModule({
  name: 'scorecard',
  permissions: { entities: { ProgrammeKpis: 'kpis:read' } },
  resolvers: {
    ProgrammeKpis: {
      __resolveReference: async (ref: { days: number }, ctx: RequestContext) => {
        const since = windowStart(ref.days);
        return { days: ref.days, ...(await ctx.tx((m) => slaBreaches(m, ctx.principal.tenantId, since))) };
      },
    },
  },
});
