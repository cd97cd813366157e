import { defineModule } from '@commonhold/kit';
import { CreateDunningRuns1796495271700 } from './runs.migration';
import { DunningEpisodes1796495271900 } from './episodes.migration';
import { promiseBrokenConsumer } from './promise-broken.consumer';
import { runResolvers } from './run.resolvers';
import { startDunningWorker } from './worker';
import { mountDeliveryReportRoutes } from './delivery-report.routes';

const audited = (action: string) =>
  `EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = 'dunning-event' AND a.entity_id = x.id::text AND a.action = ${action} AND a.trace_id IS NOT NULL)`;

/**
 * Dunning runs (NC-202): daily per tenant time zone or by hand, dry runs, one reminder per
 * run/apartment/channel/step, delivery through packages/notifications with pg-boss retries and
 * dead letters, and the run timeline (NC-203/205).
 */
export const runsModule = defineModule({
  name: 'runs',
  scopedCallers: 'fenced',
  permissions: {
    Query: {
      dunningRun: 'collections:read',
      dunningRuns: 'collections:read',
      dunningSchedule: 'collections:read',
    },
    // Runs and the schedule span buildings: global scope is checked in the resolver as well.
    Mutation: {
      startDunningRun: 'dunning:configure',
      setDunningSchedule: 'dunning:configure',
      redriveDunningReminder: 'dunning:configure',
    },
  },
  resolvers: runResolvers,
  migrations: [CreateDunningRuns1796495271700, DunningEpisodes1796495271900],
  consumers: (rt) => [promiseBrokenConsumer(rt)],
  // The worker lives as long as the service: started with its routes, stopped with them.
  routes: (app, rt) => {
    const worker = startDunningWorker(rt);
    worker.catch((err) => rt.log.error({ err }, 'dunning worker failed to start'));
    // Delivery outcomes from outside (plain HTTP through the gateway's `/notifications` passthrough):
    // each acts for a provider, not a user, and is authenticated by the provider's signature.
    mountDeliveryReportRoutes(app, rt, worker);
    return async () => {
      await (await worker.catch(() => null))?.stop();
    };
  },
  auditChecks: [
    {
      name: 'dunning_event_recorded',
      description: 'A real reminder or escalation without its planned/raised audit event',
      sql: `SELECT x.id::text AS entity_id FROM dunning_events x WHERE NOT x.dry_run AND NOT (${audited(`'dunning-reminder.planned'`)} OR ${audited(`'dunning-escalation.raised'`)}) ORDER BY x.created_at`,
    },
    {
      name: 'dunning_reminder_outcome',
      description: 'A reminder whose delivery outcome (sent, delivered, bounced, failed, dead-lettered) has no audit event',
      sql: `SELECT x.id::text AS entity_id FROM dunning_events x WHERE x.kind = 'reminder' AND x.status IN ('sent', 'delivered', 'bounced', 'failed', 'dead_lettered')
            AND NOT ${audited(`'dunning-reminder.' || x.status`)} ORDER BY x.created_at`,
    },
  ],
});
