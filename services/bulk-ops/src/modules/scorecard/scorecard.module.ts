import { defineModule, type RequestContext } from '@commonhold/kit';
import { timeSaved, windowStart } from './scorecard';

/**
 * Bulk-ops' part of the programme KPI scorecard (`ProgrammeKpis`, served by collections'
 * `programmeKpis`): manager time saved by bulk jobs. Tenant-wide figures: global scope only.
 */
export const scorecardModule = defineModule({
  name: 'scorecard',
  permissions: { entities: { ProgrammeKpis: 'kpis:read' } },
  resolvers: {
    ProgrammeKpis: {
      __resolveReference: async (ref: { days: number }, ctx: RequestContext) => {
        const since = windowStart(ref.days);
        return { days: ref.days, ...(await ctx.tx((m) => timeSaved(m, ctx.principal.tenantId, since))) };
      },
    },
  },
});
