import type { ConsumerDefinition, EventHandlerArgs, EventPayloads } from '@commonhold/kit';

type ContactCreated = EventPayloads['commonhold.fundraising.contact.created.v1'];
type ContactErased = EventPayloads['commonhold.fundraising.contact.erased.v1'];

/** Learns contacts from fundraising so registration can check them without reading its database. */
export async function onContactCreated({ event, m }: EventHandlerArgs<ContactCreated>): Promise<void> {
  await m.query(
    `INSERT INTO known_contacts (tenant_id, contact_id, first_name, last_name, learned_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (tenant_id, contact_id) DO UPDATE SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name
     WHERE known_contacts.erased_at IS NULL`,
    [event.tenantId, event.data.contactId, event.data.firstName, event.data.lastName],
  );
}

/**
 * GDPR erasure in fundraising: the projection's copy of the name is blanked. The row and the
 * volunteer profile stay (they carry no personal data; hours and history keep their keys). A
 * contact.created redelivered after the erasure cannot bring the name back: the erasure is kept.
 */
export async function onContactErased({ event, m }: EventHandlerArgs<ContactErased>): Promise<void> {
  await m.query(
    `INSERT INTO known_contacts (tenant_id, contact_id, first_name, last_name, erased_at) VALUES ($1, $2, '', '', $3)
     ON CONFLICT (tenant_id, contact_id) DO UPDATE SET first_name = '', last_name = '', erased_at = EXCLUDED.erased_at`,
    [event.tenantId, event.data.contactId, event.data.erasedAt],
  );
}

export const contactProjectionConsumer: ConsumerDefinition = {
  group: 'volunteers.contact-projection',
  topics: ['fundraising.contact'],
  handlers: {
    'commonhold.fundraising.contact.created.v1': onContactCreated,
    'commonhold.fundraising.contact.erased.v1': onContactErased,
  },
};
