import type { EntityManager } from 'typeorm';
import { badInput } from '@commonhold/kit';
import { normaliseCountry, normalisePostcode } from './address';
import { ContactEntity, type ContactRow } from './contact.entity';
import { duplicateReasons, type DuplicateReason, type MatchFields } from './duplicates';

export interface DuplicateMatch {
  contact: ContactRow;
  reasons: DuplicateReason[];
}

export const MAX_MATCHES = 20;

/**
 * Active contacts (not erased, not merged) of the tenant that may be the person described by
 * `probe`: same email (ignoring case), or same first + last name (ignoring case) and postcode. Two
 * index lookups (contacts_email, contacts_name_postcode), oldest contact first, at most 20.
 */
export async function findDuplicates(m: EntityManager, tenantId: string, probe: MatchFields, excludeId: string | null = null): Promise<DuplicateMatch[]> {
  const email = probe.email?.trim().toLowerCase() || null;
  const byName = !!(probe.lastName?.trim() && probe.postcode);
  if (!email && !byName) return [];
  const rows: { id: string }[] = await m.query(
    `SELECT id, created_at FROM contacts
      WHERE tenant_id = $1 AND $2::text IS NOT NULL AND email IS NOT NULL AND lower(email) = $2
        AND merged_into_id IS NULL AND erased_at IS NULL AND id IS DISTINCT FROM $6::uuid
     UNION
     SELECT id, created_at FROM contacts
      WHERE tenant_id = $1 AND $7 AND lower(last_name) = lower($3) AND postcode = $5
        AND (CASE WHEN $4::text IS NULL THEN lower(first_name) IS NULL ELSE lower(first_name) = lower($4) END)
        AND merged_into_id IS NULL AND erased_at IS NULL AND id IS DISTINCT FROM $6::uuid
     ORDER BY created_at, id LIMIT ${MAX_MATCHES}`,
    [tenantId, email, probe.lastName?.trim() ?? null, probe.firstName?.trim() || null, probe.postcode, excludeId, byName],
  );
  if (!rows.length) return [];
  const contacts = await m.getRepository(ContactEntity).find({ where: rows.map((r) => ({ id: r.id })) });
  const byId = new Map(contacts.map((c) => [c.id, c]));
  return rows
    .map((r) => byId.get(r.id)!)
    .filter(Boolean)
    .map((contact) => ({ contact, reasons: duplicateReasons({ ...probe, email }, contact) }))
    .filter((d) => d.reasons.length);
}

/** The duplicates of a stored contact (none for an erased or merged one). */
export function duplicatesOf(m: EntityManager, tenantId: string, c: ContactRow): Promise<DuplicateMatch[]> {
  if (c.erasedAt || c.mergedIntoId) return Promise.resolve([]);
  return findDuplicates(m, tenantId, c, c.id);
}

function probeText(field: string, value: unknown, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > max) throw badInput(field, `${field.split('.').pop()} must be a string of at most ${max} characters`);
  return value.trim() || null;
}

/**
 * The probe of `possibleDuplicates(input)`, typed by someone about to create a contact: an email,
 * and/or first + last name (or an organisation name) with a postcode. The postcode is compared in
 * its normal form (UK rules unless another country is given).
 */
export function matchProbe(input: Record<string, unknown>): MatchFields {
  const email = probeText('input.email', input.email, 254)?.toLowerCase() ?? null;
  let firstName = probeText('input.firstName', input.firstName, 100);
  let lastName = probeText('input.lastName', input.lastName, 100);
  const organisationName = probeText('input.organisationName', input.organisationName, 100);
  if (organisationName) {
    if (firstName || lastName) throw badInput('input.organisationName', 'give either firstName and lastName, or organisationName');
    lastName = organisationName;
    firstName = null;
  } else if (!firstName) {
    lastName = null; // a person's name match needs both names
  }
  const countryText = probeText('input.country', input.country, 2);
  const country = countryText ? normaliseCountry(countryText) : 'GB';
  if (!country) throw badInput('input.country', 'country must be an ISO 3166-1 alpha-2 code such as GB');
  const postcodeText = probeText('input.postcode', input.postcode, 16);
  const postcode = postcodeText ? (normalisePostcode(postcodeText, country) ?? postcodeText.toUpperCase().replace(/\s+/g, ' ')) : null;
  return { email, firstName, lastName, postcode };
}
