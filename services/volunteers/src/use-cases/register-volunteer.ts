import type { EntityManager } from 'typeorm';
import { AppError, idempotent, notFound, writeAudit } from '@commonhold/kit';
import { KnownContactEntity } from '../entities/known-contact.entity';
import { VolunteerProfileEntity } from '../entities/volunteer-profile.entity';

export interface RegisterVolunteerCommand {
  tenantId: string;
  actor: string;
  input: { contactId: string; idempotencyKey: string };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Registers a known contact as an active volunteer, once per idempotency key. */
export async function registerVolunteer(m: EntityManager, cmd: RegisterVolunteerCommand): Promise<{ contactId: string }> {
  return idempotent(m, cmd.tenantId, 'registerVolunteer', cmd.input, async () => {
    const { contactId } = cmd.input;
    const known = UUID.test(contactId) ? await m.getRepository(KnownContactEntity).findOneBy({ contactId }) : null;
    if (!known) throw notFound('input.contactId', `No contact ${contactId} is known to volunteers`);
    const profile = { tenantId: cmd.tenantId, contactId, status: 'ACTIVE' as const, registeredAt: new Date() };
    // Atomic: of two concurrent registrations (different keys) exactly one inserts; the other gets CONFLICT.
    const inserted = await m
      .getRepository(VolunteerProfileEntity)
      .createQueryBuilder()
      .insert()
      .values(profile)
      .orIgnore()
      .returning(['contactId'])
      .execute();
    if (!inserted.raw.length) {
      throw new AppError('CONFLICT', `Contact ${contactId} is already registered as a volunteer`, { field: 'input.contactId' });
    }
    await writeAudit(m, { tenantId: cmd.tenantId, actor: cmd.actor, action: 'volunteer.registered', entityType: 'VolunteerProfile', entityId: contactId, after: profile });
    return { contactId };
  });
}
