// Pure rules of the delivery model: which statuses exist, which are outcomes a caller hears
// about, and how a late or out-of-order report may move a delivery (no infrastructure here).

export const CHANNELS = ['email', 'sms', 'letter'] as const;
export type Channel = (typeof CHANNELS)[number];

/** What a caller hears about through its outcome callback (and what the metric counts). */
export const OUTCOMES = ['sent', 'delivered', 'bounced', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * Every status a delivery record can hold: `pending` while one process is sending, `deferred`
 * after a transient failure (the caller retries with the same idempotency key), then an outcome.
 */
export const DELIVERY_STATUSES = ['pending', 'deferred', ...OUTCOMES] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Final: nothing the provider says later changes these (a bounce after "delivered" is not believed). */
export const TERMINAL_STATUSES: readonly DeliveryStatus[] = ['delivered', 'bounced', 'failed'];

const RANK: Record<DeliveryStatus, number> = { pending: 0, deferred: 1, sent: 2, delivered: 3, bounced: 3, failed: 3 };

export function isTerminal(status: DeliveryStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/**
 * The status after a provider report. Reports arrive out of order (Twilio posts "sent" and
 * "delivered" concurrently), so a report never moves a delivery backwards and a terminal status
 * never changes. Returns the status unchanged when the report is stale.
 */
export function advanceStatus(current: DeliveryStatus, reported: DeliveryStatus): DeliveryStatus {
  if (isTerminal(current)) return current;
  return RANK[reported] > RANK[current] ? reported : current;
}

/** Why a send did not succeed, and whether trying again can help. */
export interface DeliveryError {
  /** transient: try again later with the same key; permanent: do not (a bounce, a bad address, a bad template). */
  kind: 'transient' | 'permanent';
  /** Stable machine code: `smtp_550`, `twilio_21211`, `template_missing_variable`, `connection`, … */
  code: string;
  message: string;
  /** Permanent failures that are the recipient's address (SMTP 5xx on RCPT, an undeliverable number) are bounces. */
  bounce?: boolean;
}
