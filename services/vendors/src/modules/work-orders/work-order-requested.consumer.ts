import type { ConsumerDefinition, EventHandlerArgs, EventPayloads, ServiceRuntime } from '@commonhold/kit';
import { createRequestedWorkOrder } from './manage-work-orders';

type Requested = EventPayloads['commonhold.voting.work-order.requested.v1'];

/**
 * Answers voting's command with one work order per requestId: the inbox drops a redelivered event,
 * the unique (tenant, request_id) index drops the same request sent again under another event id.
 */
export const workOrderRequestedConsumer = (rt: ServiceRuntime): ConsumerDefinition => ({
  group: 'vendors.work-orders',
  topics: ['voting.work-order'],
  handlers: {
    'commonhold.voting.work-order.requested.v1': async ({ event, m, log }: EventHandlerArgs<Requested>) => {
      const d = event.data;
      const created = await createRequestedWorkOrder(m, rt.registry, event.tenantId, {
        requestId: d.requestId,
        voteId: d.voteId,
        ruleId: d.ruleId,
        buildingId: d.buildingId,
        category: d.category,
        title: d.title,
        description: d.description,
        budgetMinor: d.budgetMinor,
        currency: d.currency,
        responseHours: d.responseHours,
        completionDays: d.completionDays,
      });
      if (!created) log.info({ requestId: d.requestId }, 'work order for this request exists already');
    },
  },
});
