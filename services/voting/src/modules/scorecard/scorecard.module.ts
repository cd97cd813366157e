import { defineModule, type RequestContext } from '@commonhold/kit';
import { voteToTaskKpis, windowStart } from './scorecard';

/**
 * Voting's part of the programme KPI scorecard (`ProgrammeKpis`, served by collections'
 * `programmeKpis`): vote to task over the window. Tenant-wide figures: global scope only.
 */
export const scorecardModule = defineModule({
  name: 'scorecard',
  permissions: { entities: { ProgrammeKpis: 'kpis:read' } },
  resolvers: {
    ProgrammeKpis: {
      __resolveReference: async (ref: { days: number }, ctx: RequestContext) => {
        const since = windowStart(ref.days);
        return { days: ref.days, ...(await ctx.tx((m) => voteToTaskKpis(m, ctx.principal.tenantId, since))) };
      },
    },
  },
});
