import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, idempotent, isUuid, notFound, publishEvents, writeAudit, type EventRegistry } from '@commonhold/kit';
import { apartmentFields, validateShareTable } from './building';
import { apartmentCreated, apartmentDeleted, apartmentUpdated } from './building.events';
import {
  apartmentByReference,
  apartmentHasLedger,
  apartmentsOfBuilding,
  deleteApartmentRow,
  findApartment,
  insertApartment,
  markSharesSet,
  updateApartmentRow,
  writeShares,
  type ApartmentRow,
} from './building.store';
import { loadBuilding, type Command } from './manage-buildings';

export async function loadApartment(m: EntityManager, tenantId: string, id: unknown, field = 'input.apartmentId', lock = false): Promise<ApartmentRow> {
  const row = isUuid(id) ? await findApartment(m, tenantId, id, { lock }) : null;
  if (!row) throw notFound(field, 'No such apartment');
  return row;
}

async function uniqueFields(m: EntityManager, tenantId: string, buildingId: string, self: string, unit: string, reference: string): Promise<void> {
  const [clash] = await m.query(`SELECT 1 FROM apartments WHERE tenant_id = $1 AND building_id = $2 AND lower(unit) = lower($3) AND id <> $4`, [tenantId, buildingId, unit, self]);
  if (clash) throw new AppError('CONFLICT', `Unit ${unit} already exists in this building`, { field: 'input.unit' });
  const other = await apartmentByReference(m, tenantId, reference);
  if (other && other.id !== self) throw new AppError('CONFLICT', `Payment reference ${reference} is taken by another apartment`, { field: 'input.paymentReference' });
}

/**
 * Adds an apartment to a building. It has no shares until the building's share table is set
 * again, so adding one marks the building's table incomplete.
 */
export function createApartment(m: EntityManager, registry: EventRegistry, cmd: Command<Record<string, unknown> & { buildingId: string }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createApartment', input, async () => {
    const building = await loadBuilding(m, tenantId, input.buildingId, 'input.buildingId', true);
    const id = randomUUID();
    const fields = apartmentFields(input, id);
    await uniqueFields(m, tenantId, building.id, id, fields.unit, fields.paymentReference);
    await insertApartment(m, tenantId, id, building.id, fields);
    await markSharesSet(m, tenantId, building.id, false);
    const row = (await findApartment(m, tenantId, id))!;
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'apartment.created', entityType: 'apartment', entityId: id, after: { buildingId: building.id, ...fields } });
    await publishEvents(m, registry, tenantId, [apartmentCreated(row)]);
    return id;
  });
}

/** Changes an apartment's unit, floor or payment reference (shares change only with the building's table). */
export function updateApartment(m: EntityManager, registry: EventRegistry, cmd: Command<Record<string, unknown> & { id: string }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'updateApartment', input, async () => {
    const before = await loadApartment(m, tenantId, input.id, 'input.id', true);
    const fields = apartmentFields(input, before.id, before);
    await uniqueFields(m, tenantId, before.buildingId, before.id, fields.unit, fields.paymentReference);
    await updateApartmentRow(m, tenantId, before.id, fields);
    const after = (await findApartment(m, tenantId, before.id))!;
    await writeAudit(m, {
      tenantId,
      actor: cmd.actor,
      action: 'apartment.updated',
      entityType: 'apartment',
      entityId: before.id,
      before: { unit: before.unit, floor: before.floor, paymentReference: before.paymentReference },
      after: fields,
    });
    await publishEvents(m, registry, tenantId, [apartmentUpdated(after)]);
    return before.id;
  });
}

/** Deletes an apartment that has never had a ledger entry (a ledger is never destroyed). */
export function deleteApartment(m: EntityManager, registry: EventRegistry, cmd: Command<{ id: string }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'deleteApartment', input, async () => {
    const before = await loadApartment(m, tenantId, input.id, 'input.id', true);
    await loadBuilding(m, tenantId, before.buildingId, 'input.id', true);
    if (await apartmentHasLedger(m, tenantId, before.id)) throw new AppError('CONFLICT', 'An apartment with ledger entries cannot be deleted', { field: 'input.id' });
    await deleteApartmentRow(m, tenantId, before.id);
    const remaining = await apartmentsOfBuilding(m, tenantId, before.buildingId);
    // Its shares leave the table; the remaining ones no longer sum to 1000 unless it had none.
    if (before.ownershipShare !== null || remaining.length === 0) await markSharesSet(m, tenantId, before.buildingId, false);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'apartment.deleted', entityType: 'apartment', entityId: before.id, before: { unit: before.unit, buildingId: before.buildingId } });
    await publishEvents(m, registry, tenantId, [apartmentDeleted(before)]);
    return before.id;
  });
}

/**
 * Sets a building's whole share table at once (see `validateShareTable` for the rule): every
 * apartment listed once, ownership shares summing to 1000. The building row is locked so an
 * apartment added concurrently either waits or is refused by the check.
 */
export function setBuildingShares(m: EntityManager, registry: EventRegistry, cmd: Command<{ buildingId: string; shares: unknown }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'setBuildingShares', input, async () => {
    const building = await loadBuilding(m, tenantId, input.buildingId, 'input.buildingId', true);
    const apartments = await apartmentsOfBuilding(m, tenantId, building.id);
    const lines = validateShareTable(
      apartments.map((a) => a.id),
      input.shares,
    );
    await writeShares(m, tenantId, lines);
    await markSharesSet(m, tenantId, building.id, true);
    const after = await apartmentsOfBuilding(m, tenantId, building.id);
    const changed = after.filter((a) => {
      const b = apartments.find((x) => x.id === a.id)!;
      return b.ownershipShare !== a.ownershipShare || b.heatingShare !== a.heatingShare || b.otherShare !== a.otherShare;
    });
    await writeAudit(m, {
      tenantId,
      actor: cmd.actor,
      action: 'building.shares-set',
      entityType: 'building',
      entityId: building.id,
      before: apartments.map(({ id, ownershipShare, heatingShare, otherShare }) => ({ apartmentId: id, ownershipShare, heatingShare, otherShare })),
      after: lines,
    });
    await publishEvents(m, registry, tenantId, changed.map(apartmentUpdated));
    return building.id;
  });
}
