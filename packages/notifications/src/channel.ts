import type { DeliveryError, DeliveryStatus } from './delivery-status';

/** What a channel answers for one attempt: accepted (with the provider's id) or why not. */
export type ChannelResult = { ok: true; status: Extract<DeliveryStatus, 'sent' | 'delivered'>; providerMessageId: string } | { ok: false; error: DeliveryError };
