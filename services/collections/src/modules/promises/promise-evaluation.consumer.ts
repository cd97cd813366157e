import type { ConsumerDefinition, EventHandlerArgs, EventPayloads, ServiceRuntime } from '@commonhold/kit';
import { evaluateApartmentPromise } from './evaluate-promises';

type EntryPosted = EventPayloads['commonhold.collections.ledger-entry.posted.v1'];

const MONEY_IN = new Set(['payment', 'reversal', 'adjustment']);

/**
 * Evaluates an apartment's active promise when money moves on its ledger (a payment, a credit, or
 * the reversal of one); the kit's inbox makes a redelivered event change nothing. Charges are
 * skipped before any transaction (a bulk issue posts thousands at once).
 */
export function promiseEvaluationConsumer(rt: ServiceRuntime): ConsumerDefinition {
  return {
    group: 'collections.promise-evaluation',
    topics: ['collections.ledger-entry'],
    when: (event) => MONEY_IN.has((event.data as EntryPosted).kind),
    handlers: {
      'commonhold.collections.ledger-entry.posted.v1': async ({ event, m }: EventHandlerArgs<EntryPosted>) => {
        const d = event.data;
        if (!MONEY_IN.has(d.kind)) return;
        await evaluateApartmentPromise(m, rt.registry, event.tenantId, d.apartmentId);
      },
    },
  };
}
