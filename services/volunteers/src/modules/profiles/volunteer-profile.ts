import type { VolunteerProfileRow } from './volunteer-profile.entity';

/** A new registration: an active profile for a known contact, registered now (UTC). */
export function newProfile(tenantId: string, contactId: string, now: Date): VolunteerProfileRow {
  return { tenantId, contactId, status: 'ACTIVE', registeredAt: now };
}
