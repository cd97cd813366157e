import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, newEvent, parseMoney, publishEvents, writeAudit, type EventRegistry, type Money } from '@commonhold/kit';
import { loadApartment, loadBuilding, type ApartmentRow } from '../buildings';
import { appendEntry, findEntry, type EntryRow, type NewEntry } from './ledger.store';

/** What every ledger use case shares: load the apartment, check the currency, append, audit, publish. */

export async function apartmentForPosting(m: EntityManager, tenantId: string, apartmentId: unknown, money: unknown, field = 'input.amount') {
  const apartment = await loadApartment(m, tenantId, apartmentId, 'input.apartmentId');
  const building = await loadBuilding(m, tenantId, apartment.buildingId, 'input.apartmentId');
  const amount: Money = parseMoney(field, money);
  if (amount.currency !== building.currency) {
    throw new AppError('BAD_USER_INPUT', `The building keeps its ledger in ${building.currency}`, { field: `${field}.currency` });
  }
  return { apartment, building, amount };
}

/** Appends one entry with its audit row (trace id included) and its ledger-entry.posted event, in the caller's transaction. */
export async function post(
  m: EntityManager,
  registry: EventRegistry,
  tenantId: string,
  actor: string,
  apartment: Pick<ApartmentRow, 'id' | 'buildingId'>,
  e: Omit<NewEntry, 'id' | 'buildingId' | 'apartmentId' | 'createdBy'>,
): Promise<EntryRow> {
  const id = randomUUID();
  await appendEntry(m, tenantId, { ...e, id, buildingId: apartment.buildingId, apartmentId: apartment.id, createdBy: actor });
  const row = (await findEntry(m, tenantId, id))!;
  await writeAudit(m, {
    tenantId,
    actor,
    action: `ledger.${e.kind}.posted`,
    entityType: 'ledger-entry',
    entityId: id,
    after: { apartmentId: apartment.id, kind: e.kind, subtype: e.subtype, amountMinor: e.amountMinor, currency: e.currency, bookedOn: e.bookedOn, dueOn: e.dueOn, reversesId: e.reversesId },
  });
  await publishEvents(m, registry, tenantId, [
    newEvent(
      'commonhold.collections.ledger-entry.posted.v1',
      id,
      {
        entryId: id,
        apartmentId: apartment.id,
        buildingId: apartment.buildingId,
        kind: e.kind,
        subtype: e.subtype,
        amount: { amountMinor: e.amountMinor, currency: e.currency },
        bookedOn: e.bookedOn,
        dueOn: e.dueOn,
        reversesId: e.reversesId,
      },
      apartment.id,
    ),
  ]);
  return row;
}

/** Today's UTC date, the default booking date. */
export const todayUtc = (): string => new Date().toISOString().slice(0, 10);
