import type { EntityManager } from 'typeorm';
import { isUuid } from '@commonhold/kit/domain';
import { KnownContactEntity, type KnownContactRow } from './known-contact.entity';

/**
 * The projection of fundraising's contacts. Volunteers never reads fundraising's database: it
 * learns contacts from `contact.created` and forgets their names on `contact.erased`.
 */

/** A contact volunteers has learned of, or null (an id that is not a uuid is simply unknown). */
export async function findKnownContact(m: EntityManager, contactId: string): Promise<KnownContactRow | null> {
  return isUuid(contactId) ? m.getRepository(KnownContactEntity).findOneBy({ contactId }) : null;
}

/** Learns (or refreshes) a contact's name; an erased contact's name is never brought back. */
export async function learnContact(m: EntityManager, c: { tenantId: string; contactId: string; firstName: string; lastName: string }): Promise<void> {
  await m.query(
    `INSERT INTO known_contacts (tenant_id, contact_id, first_name, last_name, learned_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (tenant_id, contact_id) DO UPDATE SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name
     WHERE known_contacts.erased_at IS NULL`,
    [c.tenantId, c.contactId, c.firstName, c.lastName],
  );
}

/** Blanks the names and records the erasure (the row stays: hours and history keep their keys). */
export async function eraseContact(m: EntityManager, c: { tenantId: string; contactId: string; erasedAt: string }): Promise<void> {
  await m.query(
    `INSERT INTO known_contacts (tenant_id, contact_id, first_name, last_name, erased_at) VALUES ($1, $2, '', '', $3)
     ON CONFLICT (tenant_id, contact_id) DO UPDATE SET first_name = '', last_name = '', erased_at = EXCLUDED.erased_at`,
    [c.tenantId, c.contactId, c.erasedAt],
  );
}
