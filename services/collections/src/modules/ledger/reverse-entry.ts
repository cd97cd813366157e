import type { EntityManager } from 'typeorm';
import { AppError, idempotent, isUuid, notFound, requiredText, type EventRegistry } from '@commonhold/kit';
import type { Command } from '../buildings';
import { calendarDate, reversalRefusal } from './ledger';
import { findEntry, isReversed } from './ledger.store';
import { post, todayUtc } from './post-entry';

/**
 * Reverses an entry by appending its negation (the original stays as it was). A reversal is never
 * reversed, an entry is reversed at most once (also enforced by a unique index), and the reversal
 * is booked on or after the original.
 */
export function reverseLedgerEntry(m: EntityManager, registry: EventRegistry, cmd: Command<Record<string, unknown>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'reverseLedgerEntry', input, async () => {
    const reason = requiredText('input.reason', input.reason, 500);
    const original = isUuid(input.entryId) ? await findEntry(m, tenantId, input.entryId) : null;
    if (!original) throw notFound('input.entryId', 'No such ledger entry');
    // Serialise reversals of one apartment so two concurrent ones cannot both pass the check.
    await m.query(`SELECT 1 FROM apartments WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenantId, original.apartmentId]);
    const refusal = reversalRefusal(original, await isReversed(m, tenantId, original.id));
    if (refusal) throw new AppError('CONFLICT', refusal, { field: 'input.entryId' });
    const bookedOn = input.bookedOn == null ? todayUtc() : calendarDate('input.bookedOn', input.bookedOn);
    if (bookedOn < original.bookedOn) throw new AppError('BAD_USER_INPUT', `bookedOn must not be before the original entry's ${original.bookedOn}`, { field: 'input.bookedOn' });
    const row = await post(m, registry, tenantId, cmd.actor, { id: original.apartmentId, buildingId: original.buildingId }, {
      kind: 'reversal',
      subtype: original.kind,
      amountMinor: -original.amountMinor,
      currency: original.currency,
      bookedOn,
      dueOn: original.dueOn,
      reversesId: original.id,
      description: reason,
      source: null,
      sourceRef: null,
    });
    return row.id;
  });
}
