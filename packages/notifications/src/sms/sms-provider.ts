import type { ChannelResult } from '../channel';
import type { DeliveryStatus } from '../delivery-status';

export interface SmsMessage {
  /** E.164, e.g. `+306912345678`. */
  to: string;
  body: string;
  /** Overrides the provider's configured sender (a number, or an alphanumeric id where allowed). */
  from?: string;
  /** Where the provider posts status reports; a query string may carry our own reference. */
  statusCallbackUrl?: string;
}

/** An SMS provider behind one interface; `TwilioSmsProvider` is the first implementation. */
export interface SmsProvider {
  readonly name: string;
  send(message: SmsMessage): Promise<ChannelResult>;
}

/** A provider's status report, verified and mapped to our statuses. */
export interface SmsStatusReport {
  provider: string;
  providerMessageId: string;
  /** The provider's own word (`queued`, `undelivered`, …), kept for the timeline. */
  providerStatus: string;
  /** Ours; undefined when the provider's status says nothing new (e.g. `receiving`). */
  status: DeliveryStatus | undefined;
  errorCode?: string;
  /** The callback URL's own query parameters (covered by the signature), e.g. our delivery reference. */
  callbackQuery?: Record<string, string>;
}

export const E164 = /^\+[1-9]\d{6,14}$/;
/** Twilio's limit for one message body (it splits into segments below that). */
export const SMS_MAX_BODY = 1600;
