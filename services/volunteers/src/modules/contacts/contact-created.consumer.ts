import type { EventHandlerArgs, EventPayloads } from '@commonhold/kit';
import { learnContact } from './known-contact.store';

type ContactCreated = EventPayloads['commonhold.fundraising.contact.created.v1'];

/** Learns contacts from fundraising so registration can check them without reading its database. */
export async function onContactCreated({ event, m }: EventHandlerArgs<ContactCreated>): Promise<void> {
  await learnContact(m, { tenantId: event.tenantId, contactId: event.data.contactId, firstName: event.data.firstName, lastName: event.data.lastName, email: event.data.email ?? null });
}
