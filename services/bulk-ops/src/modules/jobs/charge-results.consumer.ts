import type { ConsumerDefinition, EventHandlerArgs, EventPayloads, ServiceRuntime } from '@commonhold/kit';
import { recordAnswer } from './settle-job';

type Completed = EventPayloads['commonhold.collections.charge-command.completed.v2'];

/**
 * Records collections' answers to the charge commands, set-based per answer: each item's outcome (with its ledger entry or
 * its typed error), an audit event per item, and the job's final state once no item awaits one.
 * The job row is locked first so answers of the same job are recorded one at a time.
 */
export function chargeResultsConsumer(rt: ServiceRuntime): ConsumerDefinition {
  const record = ({ event, m }: EventHandlerArgs<Completed>) =>
    recordAnswer(
      rt,
      m,
      event.tenantId,
      event.data.jobId,
      event.data.results.map((r) => ({ itemId: r.itemId, status: r.status === 'posted' ? 'succeeded' : 'failed', ledgerEntryId: r.entryId, error: r.error })),
    );
  return {
    group: 'bulk-ops.charge-results',
    topics: ['collections.charge-command'],
    handlers: {
      // Answers of v1 commands (sent before v2, ≤ 100 items) have the same shape.
      'commonhold.collections.charge-command.completed.v1': record,
      'commonhold.collections.charge-command.completed.v2': record,
    },
  };
}
