import type { ConsumerDefinition, EventHandlerArgs } from '@commonhold/kit';
import { recomputeRollups } from './rollup-store';

interface GiftRecorded {
  giftId: string;
  contactId: string;
}

/** Keeps `Contact.giving` from fundraising's own gift events, through the transport. */
export async function onGiftRecorded({ event, m }: EventHandlerArgs<GiftRecorded>): Promise<void> {
  await recomputeRollups(m, event.tenantId, { contactIds: [event.data.contactId] });
}

export const givingRollupConsumer: ConsumerDefinition = {
  group: 'fundraising.giving-rollup',
  topics: ['fundraising.gift'],
  handlers: { 'commonhold.fundraising.gift.recorded.v1': onGiftRecorded },
};
