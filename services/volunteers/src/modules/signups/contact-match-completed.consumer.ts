import { writeAudit, type ConsumerDefinition, type EventHandlerArgs, type EventPayloads } from '@commonhold/kit';
import { findShift } from '../shifts';
import { learnContactOnce, recordConsent } from '../contacts';
import { ensureProfile } from '../profiles';
import { findByMatchRequest, linkContact, liveSignupOf, promoteWaitlist, updateSignup } from './signup.store';

type Completed = EventPayloads['commonhold.fundraising.contact-match.completed.v1'];

/**
 * fundraising's answer to a public sign-up's contact match: the signup is linked to the contact
 * (matched or created), the person's fields are forgotten here (fundraising is the one person
 * store), the contact becomes a volunteer and their consent per channel is kept. A contact already
 * signed up for the shift keeps that signup; the web one is cancelled (its place freed). Idempotent:
 * the inbox drops a redelivery, and a signup already linked is left as it is.
 */
export async function onContactMatchCompleted({ event, m }: EventHandlerArgs<Completed>): Promise<void> {
  const tenantId = event.tenantId;
  const { requestId, contactId, outcome } = event.data;
  const seen = await findByMatchRequest(m, tenantId, requestId);
  if (!seen || seen.contactId) return;
  // Shift first, then the signup: the order every status change takes its locks in.
  const shift = await findShift(m, tenantId, seen.shiftId, { lock: true });
  const s = (await findByMatchRequest(m, tenantId, requestId, { lock: true }))!;
  if (s.contactId) return;
  // The names come with the sign-up: fundraising's contact.created may arrive after this answer.
  await learnContactOnce(m, { tenantId, contactId, firstName: s.firstName ?? '', lastName: s.lastName ?? '', email: s.email });
  await ensureProfile(m, tenantId, contactId);
  await recordConsent(m, tenantId, contactId, 'email', s.consentEmail, 'public-signup');
  await recordConsent(m, tenantId, contactId, 'sms', s.consentSms, 'public-signup');
  const duplicate = s.status !== 'CANCELED' && (await liveSignupOf(m, tenantId, s.shiftId, contactId, s.id));
  if (duplicate) {
    await updateSignup(m, tenantId, s.id, { status: 'CANCELED', minutes: null, waitlisted: false });
    if (!s.waitlisted && shift) await promoteWaitlist(m, tenantId, s.shiftId, shift.capacity);
  }
  await linkContact(m, tenantId, s.id, contactId);
  await writeAudit(m, { tenantId, actor: 'volunteers.signups', action: 'volunteer-signup.contact-linked', entityType: 'VolunteerSignup', entityId: s.id, after: { contactId, outcome, duplicateOf: duplicate ? duplicate.id : null } });
}

/** The consumer group keeps its name across releases (contract: contact-match.completed.v1). */
export const signupsConsumer: ConsumerDefinition = {
  group: 'volunteers.signups',
  topics: ['fundraising.contact-match'],
  handlers: { 'commonhold.fundraising.contact-match.completed.v1': onContactMatchCompleted },
};
