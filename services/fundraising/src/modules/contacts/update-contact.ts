import type { EntityManager } from 'typeorm';
import { idempotent, publishEvents, writeAudit, type EventRegistry } from '@commonhold/kit';
import { applyContactUpdate } from './contact';
import { ContactEntity } from './contact.entity';
import { contactUpdated } from './contact.events';
import { assertActive, fieldsToColumns, lockContact, pickFields, rowToFields } from './contact.store';
import { refreshHouseholdNames } from './household.store';

export interface UpdateContactCommand {
  tenantId: string;
  actor: string;
  input: Record<string, unknown> & { contactId: string; idempotencyKey: string };
}

/** Fields whose change renames the contact's household. */
const NAMING_FIELDS = new Set(['title', 'firstName', 'lastName', 'excludeFromHouseholdName']);

/**
 * Partial update of a contact's details (absent = unchanged, null = cleared), validated like a new
 * contact. Announces the changed fields (`contact.updated.v1`) and renames the household when a
 * naming field changed (unless its names were set by hand). Erased or merged contacts: CONFLICT.
 */
export async function updateContact(m: EntityManager, registry: EventRegistry, cmd: UpdateContactCommand): Promise<{ contactId: string }> {
  return idempotent(m, cmd.tenantId, 'updateContact', cmd.input, async () => {
    const row = await lockContact(m, 'input.contactId', cmd.input.contactId);
    assertActive(row, 'input.contactId');
    const { contactId: _c, idempotencyKey: _k, ...patch } = cmd.input;
    const current = rowToFields(row);
    const { next, changed } = applyContactUpdate(current, patch);
    if (!changed.length) return { contactId: row.id };
    await m.getRepository(ContactEntity).update({ id: row.id }, { ...fieldsToColumns(next), updatedAt: new Date() });
    if (changed.some((f) => NAMING_FIELDS.has(f))) await refreshHouseholdNames(m, row.householdId);
    await publishEvents(m, registry, cmd.tenantId, [contactUpdated(row.id, next.kind, changed, pickFields(next, changed))]);
    await writeAudit(m, {
      tenantId: cmd.tenantId,
      actor: cmd.actor,
      action: 'contact.updated',
      entityType: 'Contact',
      entityId: row.id,
      before: pickFields(current, changed),
      after: pickFields(next, changed),
    });
    return { contactId: row.id };
  });
}
