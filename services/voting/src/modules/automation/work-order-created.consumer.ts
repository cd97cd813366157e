import type { ConsumerDefinition, EventHandlerArgs, EventPayloads } from '@commonhold/kit';
import { requestScope } from '@commonhold/kit';
import { executionByRequest, linkWorkOrder } from './rule.store';

type Created = EventPayloads['commonhold.vendors.work-order.created.v1'];

/**
 * Links the work order vendors created for a rule's request to that rule's execution (NC-402): the
 * last link of the audit chain vote → task/project → work order, recorded under the execution's
 * trace id. A work order made by hand (no requestId), a request that is not ours, or a redelivered
 * answer changes nothing; the first work order for a request wins.
 */
export const workOrderCreatedConsumer: ConsumerDefinition = {
  group: 'voting.automation',
  topics: ['vendors.work-order'],
  handlers: {
    'commonhold.vendors.work-order.created.v1': async ({ event, m }: EventHandlerArgs<Created>) => {
      const { requestId, workOrderId } = event.data;
      if (!requestId) return;
      const tenantId = event.tenantId;
      const execution = await executionByRequest(m, tenantId, requestId);
      if (!execution || execution.work_order_id) return;
      await linkWorkOrder(m, tenantId, execution.id, workOrderId);
      // The execution's trace id, not the answer's: the chain stays under the vote's trace.
      await m.query(
        `INSERT INTO audit_events (tenant_id, actor, action, entity_type, entity_id, before, after, trace_id, request_id)
         VALUES ($1, $2, 'automation-execution.work-order-linked', 'automation-execution', $3, $4::jsonb, $5::jsonb, $6, $7)`,
        [
          tenantId,
          `vendors:work-order:${workOrderId}`,
          execution.id,
          JSON.stringify({ status: execution.status }),
          JSON.stringify({ status: 'linked', workOrderId, requestId, voteId: execution.vote_id, ruleId: execution.rule_id, workOrderStatus: event.data.status }),
          execution.trace_id ?? requestScope.getStore()?.traceId ?? null,
          requestScope.getStore()?.requestId ?? null,
        ],
      );
    },
  },
};
