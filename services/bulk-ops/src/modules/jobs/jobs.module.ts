import { defineModule } from '@commonhold/kit';
import { chargeResultsConsumer } from './charge-results.consumer';
import { reminderResultsConsumer } from './reminder-results.consumer';
import { BulkReminders1796700000100 } from './reminders.migration';
import { BulkTemplateScopes1796800000000 } from './template-scopes.migration';
import { bulkMetrics } from './job.metrics';
import { jobResolvers } from './job.resolvers';
import { CreateBulkJobs1796522582400 } from './jobs.migration';
import { startBulkSweeper } from './sweeper';
import { CreateBulkSweeper1796600000000 } from './sweeper.migration';

const audited = (entityType: string, action: string) =>
  `EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = '${entityType}' AND a.entity_id = x.id::text AND a.action = ${action} AND a.trace_id IS NOT NULL)`;

/**
 * Bulk templates and jobs: dry run, execution as commands to collections, results, retry. Every table
 * carries its building id under scopeRlsSql, so a building manager reaches only their buildings' jobs.
 */
export const jobsModule = defineModule({
  name: 'jobs',
  scopedCallers: 'fenced',
  permissions: {
    Query: { bulkJob: 'bulk-jobs:read', bulkJobs: 'bulk-jobs:read', bulkTemplate: 'bulk-jobs:read', bulkTemplates: 'bulk-jobs:read', bulkJobsOverview: 'bulk-jobs:read' },
    Mutation: {
      createBulkTemplate: 'bulk-templates:write',
      createBulkJob: 'bulk-jobs:write',
      dryRunBulkJob: 'bulk-jobs:write',
      cancelBulkJob: 'bulk-jobs:write',
      executeBulkJob: 'bulk-jobs:execute',
      retryBulkJob: 'bulk-jobs:execute',
    },
    entities: { BulkJob: 'bulk-jobs:read', BulkTemplate: 'bulk-jobs:read' },
  },
  resolvers: jobResolvers,
  migrations: [CreateBulkJobs1796522582400, CreateBulkSweeper1796600000000, BulkReminders1796700000100, BulkTemplateScopes1796800000000],
  consumers: (rt) => [chargeResultsConsumer(rt), reminderResultsConsumer(rt)],
  // Metrics registered at start so /metrics lists them before the first job finishes; the sweeper of
  // stuck items lives as long as the service.
  routes: (_app, rt) => {
    bulkMetrics(rt.metrics.registry);
    const sweeper = startBulkSweeper(rt);
    sweeper.catch((err) => rt.log.error({ err }, 'bulk-ops sweeper failed to start'));
    return async () => {
      await (await sweeper.catch(() => null))?.stop();
    };
  },
  auditChecks: [
    {
      name: 'bulk_job_created',
      description: 'A bulk job without its bulk-job.created audit event',
      sql: `SELECT x.id::text AS entity_id FROM bulk_jobs x WHERE NOT ${audited('bulk-job', `'bulk-job.created'`)} ORDER BY x.created_at`,
    },
    {
      name: 'bulk_job_executed',
      description: 'An executed bulk job without its bulk-job.executed audit event',
      sql: `SELECT x.id::text AS entity_id FROM bulk_jobs x WHERE x.queued_at IS NOT NULL AND NOT ${audited('bulk-job', `'bulk-job.executed'`)} ORDER BY x.created_at`,
    },
    {
      name: 'bulk_job_finished',
      description: 'A finished bulk job without the audit event of its final state',
      sql: `SELECT x.id::text AS entity_id FROM bulk_jobs x WHERE x.status IN ('completed', 'completed_with_errors', 'failed', 'cancelled') AND NOT ${audited('bulk-job', `'bulk-job.' || x.status`)} ORDER BY x.created_at`,
    },
    {
      name: 'bulk_job_item_outcome',
      description: 'A bulk job item that succeeded or failed without its bulk-job-item.<outcome> audit event',
      sql: `SELECT x.id::text AS entity_id FROM bulk_job_items x WHERE x.status IN ('succeeded', 'failed') AND NOT ${audited('bulk-job-item', `'bulk-job-item.' || x.status`)} ORDER BY x.job_id, x.seq`,
    },
  ],
});
