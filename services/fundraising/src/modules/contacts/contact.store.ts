import type { EntityManager } from 'typeorm';
import { AppError, isUuid, notFound } from '@commonhold/kit';
import type { ContactFields } from './contact';
import { ContactEntity, type ContactRow } from './contact.entity';


export { isUuid };

/** The stored contact's editable fields (as validation returns them). */
export function rowToFields(r: ContactRow): ContactFields {
  const hasAddress = r.houseNameOrNumber !== null || r.addressLine1 !== null || r.addressLine2 !== null || r.city !== null || r.postcode !== null;
  return {
    kind: r.kind,
    title: r.title,
    firstName: r.firstName,
    lastName: r.lastName,
    organisationName: r.organisationName,
    email: r.email,
    phone: r.phone,
    address: hasAddress
      ? { houseNameOrNumber: r.houseNameOrNumber, line1: r.addressLine1, line2: r.addressLine2, city: r.city, postcode: r.postcode, country: r.country ?? 'GB' }
      : null,
    excludeFromHouseholdName: r.excludeFromHouseholdName,
  };
}

/** Entity columns for the editable fields. */
export function fieldsToColumns(f: ContactFields): Partial<ContactRow> {
  return {
    kind: f.kind,
    title: f.title,
    firstName: f.firstName,
    lastName: f.lastName,
    organisationName: f.organisationName,
    email: f.email,
    phone: f.phone,
    houseNameOrNumber: f.address?.houseNameOrNumber ?? null,
    addressLine1: f.address?.line1 ?? null,
    addressLine2: f.address?.line2 ?? null,
    city: f.address?.city ?? null,
    postcode: f.address?.postcode ?? null,
    country: f.address?.country ?? null,
    excludeFromHouseholdName: f.excludeFromHouseholdName,
  };
}

/**
 * Loads and row-locks a contact of the caller's tenant (RLS hides others: NOT_FOUND either way).
 * `field` names the input field carrying the id, for the error.
 */
export async function lockContact(m: EntityManager, field: string, id: unknown): Promise<ContactRow> {
  if (!isUuid(id)) throw notFound(field, `No contact ${String(id)}`);
  const row = await m.getRepository(ContactEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!row) throw notFound(field, `No contact ${id}`);
  return row;
}

/** An erased or merged contact is history: it cannot be changed any more (CONFLICT). */
export function assertActive(row: ContactRow, field: string): void {
  if (row.erasedAt) throw new AppError('CONFLICT', `Contact ${row.id} has been erased`, { field });
  if (row.mergedIntoId) throw new AppError('CONFLICT', `Contact ${row.id} was merged into ${row.mergedIntoId}; change that contact instead`, { field });
}

/** Contact fields for events and audit (only what changed). */
export function pickFields(f: ContactFields, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of names) out[n] = (f as unknown as Record<string, unknown>)[n];
  return out;
}
