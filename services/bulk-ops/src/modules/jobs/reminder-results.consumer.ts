import type { ConsumerDefinition, EventHandlerArgs, EventPayloads, ServiceRuntime } from '@commonhold/kit';
import { recordAnswer, recordLateFailure } from './settle-job';

type Completed = EventPayloads['commonhold.collections.reminder-command.completed.v1'];
type LateFailure = EventPayloads['commonhold.collections.reminder-delivery.failed.v1'];

/**
 * Records collections' answers to the reminder commands, set-based per answer like the charge
 * results: each item sent (with its channel and delivery key) or failed (with its typed error:
 * NO_CONSENT, NO_ADDRESS, NO_OWNER, NOT_FOUND, DELIVERY_DEFERRED, DELIVERY_FAILED), an audit event per
 * item, and the job's final state once no item awaits one. Failed items are what retryBulkJob sends again.
 * A reminder that bounces (or is reported undelivered) after it was sent turns its item failed, and a
 * finished job takes its new final state.
 */
export function reminderResultsConsumer(rt: ServiceRuntime): ConsumerDefinition {
  return {
    group: 'bulk-ops.reminder-results',
    topics: ['collections.reminder-command', 'collections.reminder-delivery'],
    handlers: {
      'commonhold.collections.reminder-command.completed.v1': ({ event, m }: EventHandlerArgs<Completed>) =>
        recordAnswer(
          rt,
          m,
          event.tenantId,
          event.data.jobId,
          event.data.results.map((r) => ({ itemId: r.itemId, status: r.status === 'sent' ? 'succeeded' : 'failed', ledgerEntryId: null, channel: r.channel, deliveryKey: r.deliveryKey, error: r.error })),
        ),
      'commonhold.collections.reminder-delivery.failed.v1': async ({ event, m }: EventHandlerArgs<LateFailure>) => {
        await recordLateFailure(rt, m, event.tenantId, event.data);
      },
    },
  };
}
