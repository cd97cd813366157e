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
export async function learnContact(m: EntityManager, c: { tenantId: string; contactId: string; firstName: string; lastName: string; email?: string | null }): Promise<void> {
  await m.query(
    `INSERT INTO known_contacts (tenant_id, contact_id, first_name, last_name, email, learned_at) VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (tenant_id, contact_id) DO UPDATE SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, email = COALESCE(EXCLUDED.email, known_contacts.email)
     WHERE known_contacts.erased_at IS NULL`,
    [c.tenantId, c.contactId, c.firstName, c.lastName, c.email ?? null],
  );
}

/** Blanks the names and records the erasure (the row stays: hours and history keep their keys). */
export async function eraseContact(m: EntityManager, c: { tenantId: string; contactId: string; erasedAt: string }): Promise<void> {
  await m.query(
    `INSERT INTO known_contacts (tenant_id, contact_id, first_name, last_name, erased_at) VALUES ($1, $2, '', '', $3)
     ON CONFLICT (tenant_id, contact_id) DO UPDATE SET first_name = '', last_name = '', email = NULL, erased_at = EXCLUDED.erased_at`,
    [c.tenantId, c.contactId, c.erasedAt],
  );
  // The volunteer data that is personal: consents per channel, and any person fields a signup
  // of the contact still holds (normally blanked when the contact match linked it).
  await m.query(`DELETE FROM volunteer_consents WHERE tenant_id = $1 AND contact_id = $2`, [c.tenantId, c.contactId]);
  await m.query(
    `UPDATE volunteer_signups SET first_name = NULL, last_name = NULL, email = NULL, phone = NULL, postcode = NULL WHERE tenant_id = $1 AND contact_id = $2`,
    [c.tenantId, c.contactId],
  );
}

/** Learns a contact from another source (a public sign-up's match) unless known already; never revives an erased one. */
export async function learnContactOnce(m: EntityManager, c: { tenantId: string; contactId: string; firstName: string; lastName: string; email: string | null }): Promise<void> {
  await m.query(
    `INSERT INTO known_contacts (tenant_id, contact_id, first_name, last_name, email, learned_at) VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (tenant_id, contact_id) DO UPDATE SET email = COALESCE(known_contacts.email, EXCLUDED.email) WHERE known_contacts.erased_at IS NULL`,
    [c.tenantId, c.contactId, c.firstName, c.lastName, c.email],
  );
}

/** Where a reminder email may go: the contact's email, if known, not erased, and with email consent given. */
export async function reachableEmail(m: EntityManager, tenantId: string, contactId: string): Promise<{ email: string; name: string } | null> {
  const [r] = await m.query(
    `SELECT k.email, trim(k.first_name || ' ' || k.last_name) AS name FROM known_contacts k
       JOIN volunteer_consents c ON c.tenant_id = k.tenant_id AND c.contact_id = k.contact_id AND c.channel = 'email' AND c.granted
      WHERE k.tenant_id = $1 AND k.contact_id = $2 AND k.erased_at IS NULL AND k.email IS NOT NULL`,
    [tenantId, contactId],
  );
  return r ?? null;
}

/** Consent per channel, latest statement wins (the signup form's, a coordinator's). */
export async function recordConsent(m: EntityManager, tenantId: string, contactId: string, channel: 'email' | 'sms', granted: boolean, source: string): Promise<void> {
  await m.query(
    `INSERT INTO volunteer_consents (tenant_id, contact_id, channel, granted, source, recorded_at) VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (tenant_id, contact_id, channel) DO UPDATE SET granted = EXCLUDED.granted, source = EXCLUDED.source, recorded_at = EXCLUDED.recorded_at`,
    [tenantId, contactId, channel, granted, source],
  );
}

export async function consentsOf(m: EntityManager, tenantId: string, contactId: string): Promise<{ channel: string; granted: boolean; source: string; recordedAt: Date }[]> {
  return m.query(`SELECT channel, granted, source, recorded_at AS "recordedAt" FROM volunteer_consents WHERE tenant_id = $1 AND contact_id = $2 ORDER BY channel`, [tenantId, contactId]);
}

