import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { idempotent, notFound, publishEvents, type EventRegistry } from '@commonhold/kit';
import { newEvent } from '@commonhold/kit/domain';
import { findShift } from '../shifts';
import { validatePublicSignup } from './signup';
import { takePlace } from './sign-up-for-shift';

export const CONTACT_MATCH_REQUESTED = 'commonhold.volunteers.contact-match.requested.v1';

export interface PublicSignUpCommand {
  tenantId: string;
  shiftId: string;
  body: Record<string, unknown> & { idempotencyKey: string };
  /** Spends one use of the signed link at identity; called only when the key is new. */
  redeem: () => Promise<void>;
}

/**
 * A person without an account signs up for the shift their signed link opens: a WEB_SIGN_UP (or
 * the waitlist when full) held with their fields until fundraising answers the contact-match
 * command this writes to the outbox in the same transaction. Once per idempotency key.
 */
export function publicSignUp(m: EntityManager, registry: EventRegistry, cmd: PublicSignUpCommand): Promise<{ signupId: string; waitlisted: boolean }> {
  const { tenantId, body } = cmd;
  return idempotent(m, tenantId, 'publicVolunteerSignup', { ...body, shiftId: cmd.shiftId }, async () => {
    const p = validatePublicSignup(body);
    const shift = await findShift(m, tenantId, cmd.shiftId);
    if (!shift) throw notFound('shiftId', 'This shift no longer exists');
    await cmd.redeem();
    const requestId = randomUUID();
    const { id, waitlisted } = await takePlace(m, tenantId, shift, { contactId: null, status: 'WEB_SIGN_UP', matchRequestId: requestId, person: p, consent: p.consent });
    await publishEvents(m, registry, tenantId, [
      newEvent(CONTACT_MATCH_REQUESTED, requestId, { requestId, firstName: p.firstName, lastName: p.lastName, email: p.email, phone: p.phone, postcode: p.postcode, requestedAt: new Date().toISOString() }, requestId),
    ]);
    return { signupId: id, waitlisted };
  });
}
