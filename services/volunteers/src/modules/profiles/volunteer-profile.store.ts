import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { isUuid } from '@commonhold/kit/domain';
import { VolunteerProfileEntity, type VolunteerProfileRow } from './volunteer-profile.entity';

/** Profiles by contact id, in the order asked (null where there is none). */
export async function profilesByContact(m: EntityManager, contactIds: readonly string[]): Promise<(VolunteerProfileRow | null)[]> {
  const valid = contactIds.filter(isUuid);
  const rows = valid.length ? await m.getRepository(VolunteerProfileEntity).findBy({ contactId: In(valid) }) : [];
  const byId = new Map(rows.map((r) => [r.contactId, r]));
  return contactIds.map((id) => byId.get(id) ?? null);
}

/**
 * Inserts the profile unless the contact already has one. Atomic: of two concurrent registrations
 * exactly one inserts; returns whether this one did.
 */
export async function insertProfileOnce(m: EntityManager, profile: VolunteerProfileRow): Promise<boolean> {
  const inserted = await m.getRepository(VolunteerProfileEntity).createQueryBuilder().insert().values(profile).orIgnore().returning(['contactId']).execute();
  return inserted.raw.length > 0;
}

/** Makes a known contact an active volunteer unless they already have a profile (a public sign-up's match). */
export async function ensureProfile(m: EntityManager, tenantId: string, contactId: string): Promise<void> {
  await m.query(`INSERT INTO volunteer_profiles (tenant_id, contact_id, status, registered_at) VALUES ($1, $2, 'ACTIVE', now()) ON CONFLICT DO NOTHING`, [tenantId, contactId]);
}
