import { defineModule } from '@commonhold/kit';
import { onVoteClosed } from '../votes';
import { automationMetrics } from './automation.metrics';
import { CreateAutomation1796531703700 } from './automation.migration';
import { automationResolvers } from './automation.resolvers';
import { executeRulesOnClose } from './execute-rules';
import { workOrderCreatedConsumer } from './work-order-created.consumer';

const audited = (entityType: string, action: string) =>
  `EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = '${entityType}' AND a.entity_id = x.id::text AND a.action = '${action}' AND a.trace_id IS NOT NULL)`;

/**
 * Automation rules (NC-401/402/403): per building, run once per approved vote when it closes,
 * creating tasks and projects here or asking vendors for a work order by a command event, and
 * linking vendors' answer. Every table carries its building id under row-level security.
 */
export const automationModule = defineModule({
  name: 'automation',
  scopedCallers: 'fenced',
  permissions: {
    Query: { automationRule: 'automation-rules:read', automationRules: 'automation-rules:read', previewVoteAutomation: 'automation-rules:read' },
    Mutation: { createAutomationRule: 'automation-rules:write', setAutomationRuleEnabled: 'automation-rules:write' },
    entities: { AutomationRule: 'automation-rules:read' },
  },
  resolvers: automationResolvers,
  migrations: [CreateAutomation1796531703700],
  consumers: () => [workOrderCreatedConsumer],
  // Hooks rule execution into every vote close; registers the metric so /metrics lists it at once.
  routes: (_app, rt) => {
    automationMetrics(rt.metrics.registry);
    onVoteClosed(rt, executeRulesOnClose(rt));
  },
  auditChecks: [
    {
      name: 'automation_executed',
      description: 'A rule execution without its automation-execution.executed audit event',
      sql: `SELECT x.id::text AS entity_id FROM automation_executions x WHERE NOT ${audited('automation-execution', 'automation-execution.executed')} ORDER BY x.executed_at`,
    },
    {
      name: 'automation_work_order_linked',
      description: 'A linked work order without its automation-execution.work-order-linked audit event',
      sql: `SELECT x.id::text AS entity_id FROM automation_executions x WHERE x.status = 'linked' AND NOT ${audited('automation-execution', 'automation-execution.work-order-linked')} ORDER BY x.executed_at`,
    },
  ],
});
