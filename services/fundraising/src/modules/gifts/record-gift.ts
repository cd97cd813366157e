import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { badInput, enqueueEvents, idempotent, notFound, parseMoney, writeAudit, type EventRegistry } from '@commonhold/kit';
import { ContactEntity } from '../contacts/contact.entity';
import { GiftEntity } from './gift.entity';

export interface RecordGiftCommand {
  tenantId: string;
  actor: string;
  input: { contactId: string; amount: unknown; receivedAt: Date; idempotencyKey: string };
  now?: Date;
}

/** Records a one-off gift: validate → load contact → write gift + `gift.recorded.v1` + audit, once per key. */
export async function recordGift(m: EntityManager, registry: EventRegistry, cmd: RecordGiftCommand): Promise<{ giftId: string }> {
  return idempotent(m, cmd.tenantId, 'recordGift', cmd.input, async () => {
    const amount = parseMoney('input.amount', cmd.input.amount);
    const receivedAt = cmd.input.receivedAt;
    const now = cmd.now ?? new Date();
    if (receivedAt.getTime() > now.getTime() + 5 * 60_000) throw badInput('input.receivedAt', 'receivedAt must not be in the future');
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(cmd.input.contactId)) {
      throw notFound('input.contactId', `No contact ${cmd.input.contactId}`);
    }
    // RLS makes another tenant's contact indistinguishable from a missing one.
    const contact = await m.getRepository(ContactEntity).findOneBy({ id: cmd.input.contactId });
    if (!contact) throw notFound('input.contactId', `No contact ${cmd.input.contactId}`);
    const id = randomUUID();
    const gift = { id, tenantId: cmd.tenantId, contactId: contact.id, amountMinor: amount.amountMinor, currency: amount.currency, receivedAt, createdAt: now };
    await m.getRepository(GiftEntity).insert(gift);
    await enqueueEvents(m, registry, 'fundraising', cmd.tenantId, [
      {
        type: 'commonhold.fundraising.gift.recorded.v1',
        subject: id,
        key: contact.id,
        data: { giftId: id, contactId: contact.id, amount, receivedAt: receivedAt.toISOString() },
      },
    ]);
    await writeAudit(m, {
      tenantId: cmd.tenantId,
      actor: cmd.actor,
      action: 'gift.recorded',
      entityType: 'Gift',
      entityId: id,
      after: { contactId: contact.id, amount, receivedAt: receivedAt.toISOString() },
    });
    return { giftId: id };
  });
}
