import type { ConsumerDefinition, EventHandlerArgs } from '@commonhold/kit';
import { applyGift, type CurrencyRollup } from '../domain/giving-rollup';
import { GivingRollupEntity } from '../entities/giving-rollup.entity';

interface GiftRecorded {
  giftId: string;
  contactId: string;
  amount: { amountMinor: number; currency: string };
  receivedAt: string;
}

/** Keeps `Contact.giving` from fundraising's own gift events, through the transport. */
export async function onGiftRecorded({ event, m }: EventHandlerArgs<GiftRecorded>): Promise<void> {
  const { contactId, amount } = event.data;
  const repo = m.getRepository(GivingRollupEntity);
  // Serialise per contact (the contact row always exists; the rollup row may not yet), so two
  // replicas handling gifts of one contact during a rebalance cannot lose an update.
  await m.query(`SELECT 1 FROM contacts WHERE id = $1 FOR UPDATE`, [contactId]);
  const current = await repo.findOneBy({ contactId, currency: amount.currency });
  const prior: CurrencyRollup | undefined = current
    ? { currency: current.currency, totalMinor: current.totalMinor, giftCount: current.giftCount, lastGiftDate: current.lastGiftDate }
    : undefined;
  const next = applyGift(prior, { amount, receivedAt: new Date(event.data.receivedAt) });
  await repo.upsert({ tenantId: event.tenantId, contactId, ...next }, ['tenantId', 'contactId', 'currency']);
}

export const givingRollupConsumer: ConsumerDefinition = {
  group: 'fundraising.giving-rollup',
  topics: ['fundraising.gift'],
  handlers: { 'commonhold.fundraising.gift.recorded.v1': onGiftRecorded },
};
