import type { NewEvent } from '@commonhold/kit';
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
export function contactCreated(id: string, c: ContactFields): NewEvent {
  return { type: CONTACT_CREATED, subject: id, data: { contactId: id, firstName: c.firstName ?? c.lastName, lastName: c.lastName, email: c.email } };
}

/** `contact.updated.v1`: the changed fields' names and their new values only. */
export function contactUpdated(id: string, kind: ContactKind, changed: UpdatedField[], values: Record<string, unknown>): NewEvent {
  const data: Record<string, unknown> = { contactId: id, kind, changedFields: changed };
  for (const f of changed) if (f in values) data[f] = values[f];
  return { type: CONTACT_UPDATED, subject: id, data };
}

export function contactMerged(survivorId: string, duplicateId: string, mergedAt: Date): NewEvent {
  return { type: CONTACT_MERGED, subject: survivorId, key: survivorId, data: { survivorId, duplicateId, mergedAt: mergedAt.toISOString() } };
}

/** No personal data: the id and the time only. */
export function contactErased(id: string, erasedAt: Date): NewEvent {
  return { type: CONTACT_ERASED, subject: id, data: { contactId: id, erasedAt: erasedAt.toISOString() } };
}
