import { newEvent, type PayloadOf } from '@commonhold/kit/domain';
import type { ContactFields, ContactKind } from './contact';

export const CONTACT_CREATED = 'commonhold.fundraising.contact.created.v1';
export const CONTACT_UPDATED = 'commonhold.fundraising.contact.updated.v1';
export const CONTACT_MERGED = 'commonhold.fundraising.contact.merged.v1';
export const CONTACT_ERASED = 'commonhold.fundraising.contact.erased.v1';

export type UpdatedField = keyof Omit<ContactFields, 'kind'> | 'householdId' | 'consent';

export interface ConsentChange {
  channel: string;
  granted: boolean;
  source: string;
  recordedAt: string;
}

/**
 * `contact.created.v1` (a locked contract: firstName is required and non-blank). An organisation
 * has no first name, so its name is sent as both first and last name.
 */
export function contactCreated(id: string, c: ContactFields) {
  return newEvent(CONTACT_CREATED, id, { contactId: id, firstName: c.firstName ?? c.lastName, lastName: c.lastName, email: c.email });
}

/** `contact.updated.v1`: the changed fields' names and their new values only. */
export function contactUpdated(id: string, kind: ContactKind, changed: UpdatedField[], values: Record<string, unknown>) {
  const data: Record<string, unknown> = { contactId: id, kind, changedFields: changed };
  for (const f of changed) if (f in values) data[f] = values[f];
  // Built field by field from validated contact fields; the contract (validated on publish) has the rest.
  return newEvent(CONTACT_UPDATED, id, data as unknown as PayloadOf<typeof CONTACT_UPDATED>);
}

export function contactMerged(survivorId: string, duplicateId: string, mergedAt: Date) {
  return newEvent(CONTACT_MERGED, survivorId, { survivorId, duplicateId, mergedAt: mergedAt.toISOString() }, survivorId);
}

/** No personal data: the id and the time only. */
export function contactErased(id: string, erasedAt: Date) {
  return newEvent(CONTACT_ERASED, id, { contactId: id, erasedAt: erasedAt.toISOString() });
}
