import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, idempotent, isUuid, notFound, publishEvents, writeAudit, type EventRegistry } from '@commonhold/kit';
import { apartmentContactChanged } from './building.events';
import { partyFields, type PartyFields } from './building';
import { erasePartyRow, findParty, insertParty, reminderContactOf, updatePartyRow, type PartyRow } from './building.store';
import { loadApartment } from './manage-apartments';
import type { Command } from './manage-buildings';

// Audit rows outlive an erasure, so they record which fields changed, never the personal data itself.
const changedFields = (before: PartyFields | null, after: PartyFields) =>
  (Object.keys(after) as (keyof PartyFields)[]).filter((k) => JSON.stringify(before?.[k]) !== JSON.stringify(after[k]));

/** Tells bulk-ops (and any projection) who a reminder to the apartment would reach now. */
async function publishContact(m: EntityManager, registry: EventRegistry, tenantId: string, apartmentId: string, buildingId: string): Promise<void> {
  await publishEvents(m, registry, tenantId, [apartmentContactChanged(apartmentId, buildingId, await reminderContactOf(m, tenantId, apartmentId))]);
}

async function loadParty(m: EntityManager, tenantId: string, id: unknown): Promise<PartyRow> {
  const row = isUuid(id) ? await findParty(m, tenantId, id, { lock: true }) : null;
  if (!row) throw notFound('input.id', 'No such owner or occupant');
  return row;
}

/** Attaches an owner or occupant to an apartment, with contact details, preferred channel and consent. */
export function addApartmentParty(m: EntityManager, registry: EventRegistry, cmd: Command<Record<string, unknown> & { apartmentId: string }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'addApartmentParty', input, async () => {
    const apartment = await loadApartment(m, tenantId, input.apartmentId);
    const fields = partyFields(input);
    const id = randomUUID();
    await insertParty(m, tenantId, id, apartment, fields);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'party.added', entityType: 'apartment-party', entityId: id, after: { apartmentId: apartment.id, role: fields.role, fields: changedFields(null, fields) } });
    await publishContact(m, registry, tenantId, apartment.id, apartment.buildingId);
    return id;
  });
}

/** Changes a party's details, channel or consent; an erased party cannot be filled in again. */
export function updateApartmentParty(m: EntityManager, registry: EventRegistry, cmd: Command<Record<string, unknown> & { id: string }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'updateApartmentParty', input, async () => {
    const before = await loadParty(m, tenantId, input.id);
    if (before.erasedAt) throw new AppError('CONFLICT', 'This person’s data was erased; add them again if they return', { field: 'input.id' });
    const fields = partyFields(input, before as PartyFields);
    const consentChanged = JSON.stringify(before.consent) !== JSON.stringify(fields.consent);
    await updatePartyRow(m, tenantId, before.id, fields, consentChanged);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'party.updated', entityType: 'apartment-party', entityId: before.id, after: { fields: changedFields(before, fields) } });
    await publishContact(m, registry, tenantId, before.apartmentId, before.buildingId);
    return before.id;
  });
}

/**
 * GDPR erasure: blanks the person's name, contact details and consent for good. The apartment, its
 * ledger, balances and the audit trail stay (none of them holds the person's data).
 */
export function eraseApartmentParty(m: EntityManager, registry: EventRegistry, cmd: Command<{ id: string }>): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'eraseApartmentParty', input, async () => {
    const before = await loadParty(m, tenantId, input.id);
    if (!before.erasedAt) {
      await erasePartyRow(m, tenantId, before.id);
      await writeAudit(m, { tenantId, actor: cmd.actor, action: 'party.erased', entityType: 'apartment-party', entityId: before.id, after: { apartmentId: before.apartmentId } });
      await publishContact(m, registry, tenantId, before.apartmentId, before.buildingId);
    }
    return before.id;
  });
}
