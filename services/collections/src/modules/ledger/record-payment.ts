import type { EntityManager } from 'typeorm';
import { idempotent, oneOf, type EventRegistry } from '@commonhold/kit';
import type { Command } from '../buildings';
import { optionalText } from '../buildings';
import { calendarDate } from './ledger';
import { apartmentForPosting, post, todayUtc } from './post-entry';

/**
 * Records a payment received for an apartment (manual or from a provider; bank files come through
 * the statement import): a negative entry. Allocation to charges is derived (oldest due first).
 */
export function recordPayment(m: EntityManager, registry: EventRegistry, cmd: Command<Record<string, unknown>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'recordPayment', input, async () => {
    const method = oneOf('input.method', ['manual', 'provider'] as const, typeof input.method === 'string' ? input.method.toLowerCase() : input.method, 'manual');
    const bookedOn = input.bookedOn == null ? todayUtc() : calendarDate('input.bookedOn', input.bookedOn);
    const reference = optionalText('input.reference', input.reference, 140);
    const { apartment, amount } = await apartmentForPosting(m, tenantId, input.apartmentId, input.amount);
    const row = await post(m, registry, tenantId, cmd.actor, apartment, {
      kind: 'payment',
      subtype: method,
      amountMinor: -amount.amountMinor,
      currency: amount.currency,
      bookedOn,
      dueOn: null,
      reversesId: null,
      description: reference,
      source: method === 'provider' && reference ? 'provider' : null,
      sourceRef: method === 'provider' ? reference : null,
    });
    return row.id;
  });
}
