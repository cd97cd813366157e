import { randomBytes } from 'node:crypto';
import { requestScope, type ConsumerDefinition, type EventHandlerArgs, type PayloadOf, type ServiceRuntime } from '@commonhold/kit';
import { traceIdOf } from './grant-gift';
import { recordGrantGift } from './record-grant-gift';

type DisbursementPaid = PayloadOf<'commonhold.grants.disbursement.paid.v1'>;

/**
 * grants → fundraising (architecture story 2): each paid disbursement becomes one gift. The kit's
 * inbox drops a redelivered event id; `grant_gifts` drops a second event for the same disbursement.
 * Audit rows carry the trace id the event came with (its traceparent).
 */
export function grantDisbursementPaidConsumer(rt: ServiceRuntime): ConsumerDefinition {
  const onPaid = async ({ event, m, log }: EventHandlerArgs<DisbursementPaid>): Promise<void> => {
    const scope = requestScope.getStore() ?? { tenantId: event.tenantId };
    const traceId = scope.traceId ?? traceIdOf(event.traceparent) ?? randomBytes(16).toString('hex');
    await requestScope.run({ ...scope, traceId }, async () => {
      const r = await recordGrantGift(m, rt.registry, event.tenantId, event.data);
      log.info({ disbursementId: event.data.disbursementId, giftId: r.giftId, duplicate: r.duplicate }, r.duplicate ? 'grant disbursement already recorded as a gift' : 'grant disbursement recorded as a gift');
    });
  };
  return {
    group: 'fundraising.grant-gifts',
    topics: ['grants.disbursement'],
    handlers: { 'commonhold.grants.disbursement.paid.v1': onPaid },
  };
}
