import type { ConsumerDefinition, EventHandlerArgs, PayloadOf } from '@commonhold/kit';
import { recomputeRollups } from './rollup.store';

/** Both gift events carry the gift and its donor (payload types generated from schemas/events). */
type GiftEvent = PayloadOf<'commonhold.fundraising.gift.recorded.v1'> | PayloadOf<'commonhold.fundraising.gift.refunded.v1'>;

/**
 * Keeps `Contact.giving` (and households') from fundraising's own gift events, through the
 * transport: each recorded or refunded gift recomputes its donor, the contacts it soft-credits and
 * their households from gifts. Redelivery and reordering change nothing (the recompute is a pure
 * function of the gifts), and `rebuildRollups` must always agree with what this built.
 */
export async function onGiftEvent({ event, m }: EventHandlerArgs<GiftEvent>): Promise<void> {
  const soft: { contact_id: string }[] = await m.query(`SELECT contact_id FROM soft_credits WHERE gift_id = $1`, [event.data.giftId]);
  await recomputeRollups(m, event.tenantId, { contactIds: [event.data.contactId, ...soft.map((s) => s.contact_id)] });
}

export const givingRollupConsumer: ConsumerDefinition = {
  group: 'fundraising.giving-rollup',
  topics: ['fundraising.gift'],
  handlers: {
    'commonhold.fundraising.gift.recorded.v1': onGiftEvent,
    'commonhold.fundraising.gift.refunded.v1': onGiftEvent,
  },
};
