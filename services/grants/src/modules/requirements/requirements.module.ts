import { defineModule } from '@commonhold/kit';
import { startGrantsWorker } from './grants-worker';
import { requirementResolvers } from './requirement.resolvers';

/** Requirements/deliverables with due dates, their reminders and the renewal nudges (pg-boss + packages/notifications; docs/grants.md). */
export const requirementsModule = defineModule({
  name: 'requirements',
  resolvers: requirementResolvers,
  permissions: {
    Query: { grantRequirement: 'grants:read' },
    Mutation: { addGrantRequirement: 'grants:write', setGrantRequirementStatus: 'grants:write' },
  },
  // The scheduler lives as long as the service: started with its routes, stopped with them.
  routes: (_app, rt) => {
    const worker = startGrantsWorker(rt);
    worker.catch((err) => rt.log.error({ err }, 'grants worker failed to start'));
    return async () => {
      await (await worker.catch(() => null))?.stop();
    };
  },
});
