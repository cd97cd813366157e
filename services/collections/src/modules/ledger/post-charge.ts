import type { EntityManager } from 'typeorm';
import { idempotent, oneOf, type EventRegistry } from '@commonhold/kit';
import type { Command } from '../buildings';
import { calendarDate, CHARGE_TYPES } from './ledger';
import { optionalText } from '../buildings';
import { apartmentForPosting, post, todayUtc } from './post-entry';

/** Posts a charge (common expense, recurring, one-off or late fee) to an apartment: a positive entry with a due date. */
export function postCharge(m: EntityManager, registry: EventRegistry, cmd: Command<Record<string, unknown>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'postCharge', input, async () => {
    const type = oneOf('input.type', CHARGE_TYPES, typeof input.type === 'string' ? input.type.toLowerCase() : input.type);
    const bookedOn = input.bookedOn == null ? todayUtc() : calendarDate('input.bookedOn', input.bookedOn);
    const dueOn = input.dueOn == null ? bookedOn : calendarDate('input.dueOn', input.dueOn);
    const description = optionalText('input.description', input.description, 500);
    const { apartment, amount } = await apartmentForPosting(m, tenantId, input.apartmentId, input.amount);
    const row = await post(m, registry, tenantId, cmd.actor, apartment, {
      kind: 'charge',
      subtype: type,
      amountMinor: amount.amountMinor,
      currency: amount.currency,
      bookedOn,
      dueOn,
      reversesId: null,
      description,
      source: null,
      sourceRef: null,
    });
    return row.id;
  });
}
