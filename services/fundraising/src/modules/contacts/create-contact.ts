import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { idempotent, publishEvents, writeAudit, type EventRegistry } from '@commonhold/kit';
import { loadSettings } from '../../shared/settings.store';
import { validateNewContact } from './contact';
import { ContactEntity } from './contact.entity';
import { contactCreated } from './contact.events';
import { fieldsToColumns } from './contact.store';
import { createHousehold, lockHousehold, refreshHouseholdNames } from './household.store';

export interface CreateContactCommand {
  tenantId: string;
  actor: string;
  input: Record<string, unknown> & { idempotencyKey: string };
}

/**
 * Creates a person or organisation and announces it (`contact.created.v1`), once per idempotency
 * key. A person joins `householdId` when given; otherwise, when the tenant has households on, a new
 * household named after them. Organisations never get a household.
 */
export async function createContact(m: EntityManager, registry: EventRegistry, cmd: CreateContactCommand): Promise<{ contactId: string }> {
  return idempotent(m, cmd.tenantId, 'createContact', cmd.input, async () => {
    const { householdId: joinId, ...c } = validateNewContact(cmd.input);
    let householdId: string | null = null;
    if (joinId) householdId = (await lockHousehold(m, 'input.householdId', joinId)).id;
    else if (c.kind === 'PERSON' && (await loadSettings(m)).householdsEnabled) householdId = await createHousehold(m, cmd.tenantId, c);
    const id = randomUUID();
    const now = new Date();
    await m.getRepository(ContactEntity).insert({ id, tenantId: cmd.tenantId, ...fieldsToColumns(c), householdId, createdAt: now, updatedAt: now });
    if (joinId) await refreshHouseholdNames(m, householdId);
    await publishEvents(m, registry, cmd.tenantId, [contactCreated(id, c)]);
    await writeAudit(m, { tenantId: cmd.tenantId, actor: cmd.actor, action: 'contact.created', entityType: 'Contact', entityId: id, after: { ...c, householdId } });
    return { contactId: id };
  });
}
