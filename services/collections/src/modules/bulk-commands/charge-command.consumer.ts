import { type ConsumerDefinition, type EventHandlerArgs, type EventPayloads, type ServiceRuntime } from '@commonhold/kit';
import { newEvent } from '@commonhold/kit/domain';
import { postChargesSetBased, type SetChargeOutcome } from '../ledger';

type Requested = EventPayloads['commonhold.bulk-ops.charge-command.requested.v2'];
type Result = EventPayloads['commonhold.collections.charge-command.completed.v2']['results'][number];
type Answer = 'commonhold.collections.charge-command.completed.v1' | 'commonhold.collections.charge-command.completed.v2';

/** Refusals a later retry may cure (the apartment back, a concurrent request done); bad input never is. */
const RETRYABLE = new Set(['NOT_FOUND', 'CONFLICT']);

/**
 * Answers bulk-ops' charge commands (NC-302; v2 carries up to 2,000 items, v1 up to 100 and is
 * still answered in v1): posts a command's items set-based through the ledger's
 * `postChargesSetBased` (one multi-row insert per command, the same rules, audit and ledger events as
 * `postCharge`) with each bulk item id as its idempotency key — an item sent again (redelivery, retry
 * of a chunk) answers with the entry it already posted — and publishes one result per item. An item
 * the ledger refuses is reported failed with its typed error and posts nothing; anything else (the
 * database) fails the whole event, which the kit retries.
 */
export function chargeCommandConsumer(rt: ServiceRuntime): ConsumerDefinition {
  const answerCommand = async ({ event, m }: EventHandlerArgs<Requested>, answerType: Answer) => {
    const d = event.data;
    const results = (outcomes: SetChargeOutcome[]): Result[] => {
      const byKey = new Map(outcomes.map((o) => [o.key, o]));
      return d.items.map((item) => {
        const o = byKey.get(item.itemId)!;
        return o.status === 'posted'
          ? { itemId: item.itemId, apartmentId: item.apartmentId, status: 'posted', entryId: o.entryId, error: null }
          : { itemId: item.itemId, apartmentId: item.apartmentId, status: 'failed', entryId: null, error: { ...o.error, retryable: RETRYABLE.has(o.error.code) } };
      });
    };
    // The answer leaves in the same outbox INSERT as the chunk's ledger events.
    await postChargesSetBased(
      m,
      rt.registry,
      event.tenantId,
      {
        actor: `bulk-job:${d.jobId}`,
        type: d.chargeType,
        currency: d.currency,
        bookedOn: d.bookedOn,
        dueOn: d.dueOn,
        description: d.description,
        charges: d.items.map((i) => ({ key: i.itemId, apartmentId: i.apartmentId, amountMinor: i.amountMinor })),
      },
      (outcomes) => [newEvent(answerType, d.commandId, { commandId: d.commandId, jobId: d.jobId, results: results(outcomes) }, d.jobId)],
    );
  };
  return {
    group: 'collections.bulk-commands',
    topics: ['bulk-ops.charge-command'],
    // Commands are independent (disjoint items, each keyed by its item id): two at a time keep the
    // database busy with one chunk's statement while this process builds the next one's.
    concurrency: 2,
    handlers: {
      // v1 (≤ 100 items, sent before v2) is still answered, in v1; v2 carries up to 2,000 items.
      'commonhold.bulk-ops.charge-command.requested.v1': (args: EventHandlerArgs<EventPayloads['commonhold.bulk-ops.charge-command.requested.v1']>) =>
        answerCommand(args, 'commonhold.collections.charge-command.completed.v1'),
      'commonhold.bulk-ops.charge-command.requested.v2': (args: EventHandlerArgs<Requested>) => answerCommand(args, 'commonhold.collections.charge-command.completed.v2'),
    },
  };
}
