import type { ConsumerDefinition, EventHandlerArgs, EventPayloads, ServiceRuntime } from '@commonhold/kit';
import { evaluateApartmentPromise } from './evaluate-promises';

type EntryPosted = EventPayloads['commonhold.collections.ledger-entry.posted.v1'];

/**
 * Evaluates an apartment's active promise when money moves on its ledger (a payment, a credit, or
 * the reversal of one); the kit's inbox makes a redelivered event change nothing.
 */
export function promiseEvaluationConsumer(rt: ServiceRuntime): ConsumerDefinition {
  return {
    group: 'collections.promise-evaluation',
    topics: ['collections.ledger-entry'],
    handlers: {
      'commonhold.collections.ledger-entry.posted.v1': async ({ event, m }: EventHandlerArgs<EntryPosted>) => {
        const d = event.data;
        if (d.kind !== 'payment' && d.kind !== 'reversal' && d.kind !== 'adjustment') return;
        await evaluateApartmentPromise(m, rt.registry, event.tenantId, d.apartmentId);
      },
    },
  };
}
