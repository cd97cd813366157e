import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, idempotent, isUuid, notFound, publishEvents, writeAudit, type EventRegistry } from '@commonhold/kit';
import { buildingFields } from './building';
import { buildingCreated, buildingDeleted, buildingUpdated } from './building.events';
import { apartmentsOfBuilding, deleteBuildingRow, findBuilding, insertBuilding, updateBuildingRow } from './building.store';

export interface Command<I> {
  tenantId: string;
  actor: string;
  input: I & { idempotencyKey: string };
}

/** Creates a building: validate → row + audit + building.created in one transaction → its id. */
export function createBuilding(m: EntityManager, registry: EventRegistry, cmd: Command<Record<string, unknown>>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createBuilding', input, async () => {
    const fields = buildingFields(input);
    const id = randomUUID();
    await insertBuilding(m, tenantId, id, fields);
    const row = (await findBuilding(m, tenantId, id))!;
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'building.created', entityType: 'building', entityId: id, after: fields });
    await publishEvents(m, registry, tenantId, [buildingCreated(row)]);
    return id;
  });
}

export async function loadBuilding(m: EntityManager, tenantId: string, id: unknown, field = 'input.buildingId', lock = false) {
  const row = isUuid(id) ? await findBuilding(m, tenantId, id, { lock }) : null;
  if (!row) throw notFound(field, 'No such building');
  return row;
}

/** Updates a building's name, address or currency (the currency only while its ledger is empty). */
export function updateBuilding(m: EntityManager, registry: EventRegistry, cmd: Command<Record<string, unknown> & { id: string }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'updateBuilding', input, async () => {
    const before = await loadBuilding(m, tenantId, input.id, 'input.id', true);
    const fields = buildingFields(input, before);
    if (fields.currency !== before.currency) {
      const [used] = await m.query(`SELECT 1 FROM ledger_entries WHERE tenant_id = $1 AND building_id = $2 LIMIT 1`, [tenantId, before.id]);
      if (used) throw new AppError('CONFLICT', 'The currency of a building with ledger entries cannot change', { field: 'input.currency' });
    }
    await updateBuildingRow(m, tenantId, before.id, fields);
    const after = (await findBuilding(m, tenantId, before.id))!;
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'building.updated', entityType: 'building', entityId: before.id, before: buildingFields({}, before), after: fields });
    await publishEvents(m, registry, tenantId, [buildingUpdated(after)]);
    return before.id;
  });
}

/** Deletes a building that has no apartments (apartments go first, and only while their ledger is empty). */
export function deleteBuilding(m: EntityManager, registry: EventRegistry, cmd: Command<{ id: string }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'deleteBuilding', input, async () => {
    const before = await loadBuilding(m, tenantId, input.id, 'input.id', true);
    if ((await apartmentsOfBuilding(m, tenantId, before.id)).length) throw new AppError('CONFLICT', 'Delete the building’s apartments first', { field: 'input.id' });
    await deleteBuildingRow(m, tenantId, before.id);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'building.deleted', entityType: 'building', entityId: before.id, before: buildingFields({}, before) });
    await publishEvents(m, registry, tenantId, [buildingDeleted(before.id)]);
    return before.id;
  });
}
