import { defineModule } from '@commonhold/kit';
import { startKpiPass } from './kpi-pass';

/** Collections KPIs (collection rate, time to collect, reconciliation mismatches) as metrics; no GraphQL of its own. */
export const kpisModule = defineModule({
  name: 'kpis',
  scopedCallers: 'fenced',
  permissions: {},
  routes: (_app, rt) => {
    const pass = startKpiPass(rt);
    return async () => pass.stop();
  },
});
