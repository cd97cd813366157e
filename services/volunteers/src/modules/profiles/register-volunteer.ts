import type { EntityManager } from 'typeorm';
import { AppError, idempotent, notFound, writeAudit } from '@commonhold/kit';
import { findKnownContact } from '../contacts';
import { newProfile } from './volunteer-profile';
import { insertProfileOnce } from './volunteer-profile.store';

export interface RegisterVolunteerCommand {
  tenantId: string;
  actor: string;
  input: { contactId: string; idempotencyKey: string };
}

/** Registers a known contact as an active volunteer, once per idempotency key. */
export async function registerVolunteer(m: EntityManager, cmd: RegisterVolunteerCommand): Promise<{ contactId: string }> {
  return idempotent(m, cmd.tenantId, 'registerVolunteer', cmd.input, async () => {
    const { contactId } = cmd.input;
    if (!(await findKnownContact(m, contactId))) throw notFound('input.contactId', `No contact ${contactId} is known to volunteers`);
    const profile = newProfile(cmd.tenantId, contactId, new Date());
    // Of two concurrent registrations (different keys) exactly one inserts; the other gets CONFLICT.
    if (!(await insertProfileOnce(m, profile))) {
      throw new AppError('CONFLICT', `Contact ${contactId} is already registered as a volunteer`, { field: 'input.contactId' });
    }
    await writeAudit(m, { tenantId: cmd.tenantId, actor: cmd.actor, action: 'volunteer.registered', entityType: 'VolunteerProfile', entityId: contactId, after: profile });
    return { contactId };
  });
}
