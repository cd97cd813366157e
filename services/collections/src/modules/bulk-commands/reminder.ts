/**
 * Who a bulk reminder reaches and why it may not (pure): the apartment's first owner, on their
 * preferred channel, only with their consent to it and the detail the channel needs. A bulk reminder
 * is a courtesy the office chooses to send, unlike a dunning letter, so letters need consent too.
 * Every refusal is curable by fixing the owner's record, hence retryable.
 */

export type ReminderChannel = 'email' | 'sms' | 'letter';

export interface ReminderOwner {
  preferredChannel: ReminderChannel;
  consent: Record<ReminderChannel, boolean>;
  /** Whether the channel's detail is on record (letters fall back to the apartment's address). */
  reachable: Record<ReminderChannel, boolean>;
}

export type ReminderFailureCode = 'NOT_FOUND' | 'NO_OWNER' | 'NO_CONSENT' | 'NO_ADDRESS';

export interface ReminderFailure {
  code: ReminderFailureCode;
  message: string;
  field: string;
  retryable: boolean;
}

/** The delivery idempotency key of a bulk reminder item: one delivery per job item, ever. */
export const bulkReminderKey = (jobId: string, itemId: string) => `bulk-reminder/${jobId}/${itemId}`;

/** The channel a reminder goes on, or why it cannot go (field: what to fix on the owner's record). */
export function routeReminder(apartmentFound: boolean, owner: ReminderOwner | null): { channel: ReminderChannel } | ReminderFailure {
  if (!apartmentFound) return { code: 'NOT_FOUND', message: 'The apartment no longer exists', field: 'apartmentId', retryable: true };
  if (!owner) return { code: 'NO_OWNER', message: 'The apartment has no owner on record', field: 'owner', retryable: true };
  const channel = owner.preferredChannel;
  if (!owner.consent[channel]) {
    return { code: 'NO_CONSENT', message: `The owner has not consented to ${channel} messages (their preferred channel)`, field: `owner.consent.${channel}`, retryable: true };
  }
  if (!owner.reachable[channel]) {
    const detail = channel === 'email' ? 'email' : channel === 'sms' ? 'phone' : 'postalAddress';
    return { code: 'NO_ADDRESS', message: `The owner has no ${detail} for their preferred channel ${channel}`, field: `owner.${detail}`, retryable: true };
  }
  return { channel };
}
