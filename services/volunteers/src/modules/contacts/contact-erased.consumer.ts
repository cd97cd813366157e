import type { EventHandlerArgs, EventPayloads } from '@commonhold/kit';
import { eraseContact } from './known-contact.store';

type ContactErased = EventPayloads['commonhold.fundraising.contact.erased.v1'];

/**
 * GDPR erasure in fundraising: the projection's copy of the name and email, the consents per channel
 * and any person fields a signup still holds are erased. The row and the
 * volunteer profile stay (they carry no personal data; hours and history keep their keys). A
 * contact.created redelivered after the erasure cannot bring the name back: the erasure is kept.
 */
export async function onContactErased({ event, m }: EventHandlerArgs<ContactErased>): Promise<void> {
  await eraseContact(m, { tenantId: event.tenantId, contactId: event.data.contactId, erasedAt: event.data.erasedAt });
}
