import type { EntityManager } from 'typeorm';
import { idempotent, oneOf, requiredText, type EventRegistry } from '@commonhold/kit';
import type { Command } from '../buildings';
import { calendarDate } from './ledger';
import { apartmentForPosting, post, todayUtc } from './post-entry';

/** Posts an adjustment with a reason: a debit (owed, with a due date) or a credit (forgiven). */
export function postAdjustment(m: EntityManager, registry: EventRegistry, cmd: Command<Record<string, unknown>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'postAdjustment', input, async () => {
    const direction = oneOf('input.direction', ['debit', 'credit'] as const, typeof input.direction === 'string' ? input.direction.toLowerCase() : input.direction);
    const reason = requiredText('input.reason', input.reason, 500);
    const bookedOn = input.bookedOn == null ? todayUtc() : calendarDate('input.bookedOn', input.bookedOn);
    const dueOn = direction === 'credit' ? null : input.dueOn == null ? bookedOn : calendarDate('input.dueOn', input.dueOn);
    const { apartment, amount } = await apartmentForPosting(m, tenantId, input.apartmentId, input.amount);
    const row = await post(m, registry, tenantId, cmd.actor, apartment, {
      kind: 'adjustment',
      subtype: direction,
      amountMinor: direction === 'debit' ? amount.amountMinor : -amount.amountMinor,
      currency: amount.currency,
      bookedOn,
      dueOn,
      reversesId: null,
      description: reason,
      source: null,
      sourceRef: null,
    });
    return row.id;
  });
}
