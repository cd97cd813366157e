import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, idempotent, newEvent, publishEvents, writeAudit, type EventRegistry } from '@commonhold/kit';
import { loadApartment, loadBuilding, optionalText, type Command } from '../buildings';
import { agingRows, todayUtc } from '../ledger';
import { validateInstalments } from './promise';
import { activePromise, insertPromise, lastSeq } from './promise.store';

/**
 * Records an owner's promise to pay (one or more instalments) for an apartment that owes money.
 * At most one promise is active per apartment; while it is, dunning escalation pauses.
 */
export function makePromiseToPay(m: EntityManager, registry: EventRegistry, cmd: Command<Record<string, unknown>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'makePromiseToPay', input, async () => {
    const apartment = await loadApartment(m, tenantId, input.apartmentId, 'input.apartmentId', true);
    const building = await loadBuilding(m, tenantId, apartment.buildingId, 'input.apartmentId');
    const today = todayUtc();
    const raw = input.instalments;
    const flat = Array.isArray(raw)
      ? raw.map((i: { dueOn?: unknown; amount?: { amountMinor?: unknown; currency?: unknown } } | null, n: number) => {
          if (i?.amount?.currency !== building.currency) {
            throw new AppError('BAD_USER_INPUT', `The building keeps its ledger in ${building.currency}`, { field: `input.instalments.${n}.amount.currency` });
          }
          return { dueOn: i?.dueOn, amountMinor: i?.amount?.amountMinor };
        })
      : raw;
    const instalments = validateInstalments(flat, today);
    const note = optionalText('input.note', input.note, 500);
    if (await activePromise(m, tenantId, apartment.id)) throw new AppError('CONFLICT', 'The apartment already has an active promise to pay', { field: 'input.apartmentId' });
    const [balance] = await agingRows(m, tenantId, today, { apartmentIds: [apartment.id] });
    if (!balance || balance.balanceMinor <= 0) throw new AppError('CONFLICT', 'The apartment owes nothing', { field: 'input.apartmentId' });
    const id = randomUUID();
    const totalMinor = instalments.reduce((s, i) => s + i.amountMinor, 0);
    await insertPromise(m, tenantId, {
      id,
      buildingId: apartment.buildingId,
      apartmentId: apartment.id,
      currency: building.currency,
      instalments,
      totalMinor,
      baselineSeq: await lastSeq(m, tenantId, apartment.id),
      note,
      createdBy: cmd.actor,
    });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'promise-to-pay.made', entityType: 'promise-to-pay', entityId: id, after: { apartmentId: apartment.id, instalments, totalMinor, currency: building.currency } });
    await publishEvents(m, registry, tenantId, [
      newEvent('commonhold.collections.promise-to-pay.made.v1', id, { promiseId: id, apartmentId: apartment.id, buildingId: apartment.buildingId, currency: building.currency, instalments }, apartment.id),
    ]);
    return id;
  });
}
