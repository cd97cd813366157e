import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppError, idempotent, notFound, oneOf, writeAudit } from '@commonhold/kit';
import { findKnownContact } from '../contacts';
import { findShift, type ShiftRow } from '../shifts';
import { placeFor, STAFF_SIGNUP_STATUSES, type SignupStatus } from './signup';
import { insertSignup, liveSignupOf, takenPlaces, type PublicPerson } from './signup.store';

/**
 * Takes a place on a shift, or the waitlist when it is full. The shift row is locked first
 * (`FOR UPDATE`), so concurrent signups for one shift count places one after another: the count
 * can never pass the capacity, however many arrive at once.
 */
export async function takePlace(
  m: EntityManager,
  tenantId: string,
  shift: ShiftRow,
  s: { contactId: string | null; status: SignupStatus; matchRequestId: string | null; person?: PublicPerson; consent?: { email: boolean; sms: boolean } },
): Promise<{ id: string; waitlisted: boolean }> {
  const locked = await findShift(m, tenantId, shift.id, { lock: true });
  if (!locked) throw notFound('input.shiftId', `No volunteer shift ${shift.id}`);
  // Checked under the shift's lock: two racing signups of one contact cannot both pass.
  if (s.contactId && (await liveSignupOf(m, tenantId, shift.id, s.contactId))) {
    throw new AppError('CONFLICT', 'This contact is already signed up for the shift', { field: 'input.contactId' });
  }
  const { waitlisted } = placeFor(s.status, await takenPlaces(m, tenantId, shift.id), locked.capacity);
  const id = randomUUID();
  await insertSignup(m, tenantId, { id, shiftId: shift.id, ...s, waitlisted });
  return { id, waitlisted };
}

export interface SignUpCommand {
  tenantId: string;
  actor: string;
  input: { shiftId: string; contactId: string; status?: unknown; idempotencyKey: string };
}

/** A coordinator signs a known contact up for a shift (PROSPECT or CONFIRMED), once per idempotency key. */
export function signUpForShift(m: EntityManager, cmd: SignUpCommand): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'signUpForShift', input, async () => {
    const status = oneOf('input.status', STAFF_SIGNUP_STATUSES, input.status, 'CONFIRMED');
    const shift = await findShift(m, tenantId, input.shiftId);
    if (!shift) throw notFound('input.shiftId', `No volunteer shift ${input.shiftId}`);
    if (!(await findKnownContact(m, input.contactId))) throw notFound('input.contactId', `No contact ${input.contactId} is known to volunteers`);
    const taken = await takePlace(m, tenantId, shift, { contactId: input.contactId, status, matchRequestId: null });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'volunteer-signup.created', entityType: 'VolunteerSignup', entityId: taken.id, after: { shiftId: shift.id, contactId: input.contactId, status, waitlisted: taken.waitlisted } });
    return taken.id;
  });
}
