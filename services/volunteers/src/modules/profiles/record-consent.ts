import type { EntityManager } from 'typeorm';
import { AppError, idempotent, notFound, oneOf, writeAudit } from '@commonhold/kit';
import { findKnownContact, recordConsent } from '../contacts';

export const CONSENT_CHANNELS = ['EMAIL', 'SMS'] as const;

export interface RecordVolunteerConsentCommand {
  tenantId: string;
  actor: string;
  input: { contactId: string; channel: unknown; granted: unknown; idempotencyKey: string };
}

/** A coordinator records a volunteer's consent on one channel (reminders use it), once per idempotency key. */
export function recordVolunteerConsent(m: EntityManager, cmd: RecordVolunteerConsentCommand): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'recordVolunteerConsent', input, async () => {
    const channel = oneOf('input.channel', CONSENT_CHANNELS, input.channel);
    if (typeof input.granted !== 'boolean') throw new AppError('BAD_USER_INPUT', 'granted must be true or false', { field: 'input.granted' });
    const known = await findKnownContact(m, input.contactId);
    if (!known || known.erasedAt) throw notFound('input.contactId', `No contact ${input.contactId} is known to volunteers`);
    await recordConsent(m, tenantId, input.contactId, channel === 'EMAIL' ? 'email' : 'sms', input.granted, `staff:${cmd.actor}`);
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'volunteer-consent.recorded', entityType: 'Contact', entityId: input.contactId, after: { channel, granted: input.granted } });
    return input.contactId;
  });
}
