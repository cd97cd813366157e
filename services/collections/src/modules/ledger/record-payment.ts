import type { EntityManager } from 'typeorm';
import { AppError, idempotent, oneOf, type EventRegistry } from '@commonhold/kit';
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
    if (method === 'provider') {
      if (!reference) throw new AppError('BAD_USER_INPUT', 'A provider payment needs the provider’s payment id as reference', { field: 'input.reference' });
      // One provider payment id is one payment, whichever key it comes under (a unique index backs this up).
      const [seen] = await m.query(`SELECT 1 FROM ledger_entries WHERE tenant_id = $1 AND source = 'provider' AND source_ref = $2`, [tenantId, reference]);
      if (seen) throw new AppError('CONFLICT', `Provider payment ${reference} is already recorded`, { field: 'input.reference' });
    }
    const row = await post(m, registry, tenantId, cmd.actor, apartment, {
      kind: 'payment',
      subtype: method,
      amountMinor: -amount.amountMinor,
      currency: amount.currency,
      bookedOn,
      dueOn: null,
      reversesId: null,
      description: reference,
      source: method === 'provider' ? 'provider' : null,
      sourceRef: method === 'provider' ? reference : null,
    });
    return row.id;
  });
}
