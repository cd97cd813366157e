import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { enqueueEvents, idempotent, writeAudit, type EventRegistry } from '@commonhold/kit';
import { validateNewContact } from './contact';
import { ContactEntity } from './contact.entity';

export interface CreateContactCommand {
  tenantId: string;
  actor: string;
  input: { firstName?: unknown; lastName?: unknown; email?: unknown; idempotencyKey: string };
}

/** Creates a person contact and announces it (`contact.created.v1`), once per idempotency key. */
export async function createContact(m: EntityManager, registry: EventRegistry, cmd: CreateContactCommand): Promise<{ contactId: string }> {
  return idempotent(m, cmd.tenantId, 'createContact', cmd.input, async () => {
    const c = validateNewContact(cmd.input);
    const id = randomUUID();
    await m.getRepository(ContactEntity).insert({ id, tenantId: cmd.tenantId, ...c, createdAt: new Date() });
    await enqueueEvents(m, registry, 'fundraising', cmd.tenantId, [
      { type: 'commonhold.fundraising.contact.created.v1', subject: id, data: { contactId: id, ...c } },
    ]);
    await writeAudit(m, { tenantId: cmd.tenantId, actor: cmd.actor, action: 'contact.created', entityType: 'Contact', entityId: id, after: c });
    return { contactId: id };
  });
}
