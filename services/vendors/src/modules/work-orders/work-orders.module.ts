import { defineModule } from '@commonhold/kit';
import { workOrderRequestedConsumer } from './work-order-requested.consumer';
import { vendorMetrics } from './work-order.metrics';
import { workOrderResolvers } from './work-order.resolvers';

const audited = (action: string) =>
  `EXISTS (SELECT 1 FROM audit_events a WHERE a.entity_type = 'work-order' AND a.entity_id = x.id::text AND a.action = ${action} AND a.trace_id IS NOT NULL)`;

/**
 * Work orders: created by hand or for voting's command, offered, answered and worked through the
 * vendor portal, verified and closed. Every table carries building and vendor ids under scopeRlsSql.
 */
export const workOrdersModule = defineModule({
  name: 'work-orders',
  scopedCallers: 'fenced',
  permissions: {
    Query: { workOrder: 'work-orders:read', workOrders: 'work-orders:read' },
    Mutation: {
      createWorkOrder: 'work-orders:write',
      offerWorkOrder: 'work-orders:write',
      cancelWorkOrder: 'work-orders:write',
      verifyWorkOrder: 'work-orders:verify',
      closeWorkOrder: 'work-orders:verify',
      respondToWorkOrder: 'work-orders:respond',
      startWorkOrder: 'work-orders:progress',
      completeWorkOrder: 'work-orders:progress',
      uploadWorkOrderDocument: 'work-orders:progress',
    },
    entities: { WorkOrder: 'work-orders:read' },
  },
  resolvers: workOrderResolvers,
  consumers: (rt) => [workOrderRequestedConsumer(rt)],
  // Registered at start so /metrics lists vendor_sla_breaches_total before the first breach.
  routes: (_app, rt) => void vendorMetrics(rt.metrics.registry),
  auditChecks: [
    {
      name: 'work_order_status',
      description: 'A work order (awarded price, invoice) without the audit event of its current status',
      sql: `SELECT x.id::text AS entity_id FROM work_orders x WHERE NOT ${audited(`'work-order.' || x.status`)} ORDER BY x.created_at`,
    },
  ],
});
