import { AppError, publishEvents, type ConsumerDefinition, type EventHandlerArgs, type EventPayloads, type ServiceRuntime } from '@commonhold/kit';
import { newEvent } from '@commonhold/kit/domain';
import { postCharge } from '../ledger';

type Requested = EventPayloads['commonhold.bulk-ops.charge-command.requested.v1'];
type Result = EventPayloads['commonhold.collections.charge-command.completed.v1']['results'][number];

/** Refusals a later retry may cure (the apartment back, a concurrent request done); bad input never is. */
const RETRYABLE = new Set(['NOT_FOUND', 'CONFLICT']);

/**
 * Answers bulk-ops' charge commands (NC-302): posts each item through the ledger's postCharge use case
 * with the bulk item id as its idempotency key — an item sent again (redelivery, retry of a chunk)
 * returns the entry it already posted — and publishes one result per item. An item the ledger refuses
 * is rolled back alone (a savepoint) and reported failed with its typed error; anything else (the
 * database) fails the whole event, which the kit retries.
 */
export function chargeCommandConsumer(rt: ServiceRuntime): ConsumerDefinition {
  return {
    group: 'collections.bulk-commands',
    topics: ['bulk-ops.charge-command'],
    handlers: {
      'commonhold.bulk-ops.charge-command.requested.v1': async ({ event, m }: EventHandlerArgs<Requested>) => {
        const d = event.data;
        const results: Result[] = [];
        for (const item of d.items) {
          await m.query('SAVEPOINT bulk_item');
          try {
            const entryId = await postCharge(m, rt.registry, {
              tenantId: event.tenantId,
              actor: `bulk-job:${d.jobId}`,
              input: {
                apartmentId: item.apartmentId,
                type: d.chargeType,
                amount: { amountMinor: item.amountMinor, currency: d.currency },
                bookedOn: d.bookedOn,
                dueOn: d.dueOn,
                description: d.description,
                idempotencyKey: item.itemId,
              },
            });
            await m.query('RELEASE SAVEPOINT bulk_item');
            results.push({ itemId: item.itemId, apartmentId: item.apartmentId, status: 'posted', entryId, error: null });
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            await m.query('ROLLBACK TO SAVEPOINT bulk_item');
            const code = String(err.extensions.code);
            const field = typeof err.extensions.field === 'string' ? err.extensions.field.replace(/^input\./, '') : null;
            results.push({ itemId: item.itemId, apartmentId: item.apartmentId, status: 'failed', entryId: null, error: { code, message: err.message, field, retryable: RETRYABLE.has(code) } });
          }
        }
        await publishEvents(m, rt.registry, event.tenantId, [
          newEvent('commonhold.collections.charge-command.completed.v1', d.commandId, { commandId: d.commandId, jobId: d.jobId, results }, d.jobId),
        ]);
      },
    },
  };
}
