/** How a paid grant disbursement becomes a gift (pure): the input fundraising's gift path records. */

export interface DisbursementPaid {
  disbursementId: string;
  requestId: string;
  funderContactId: string;
  opportunityId: string | null;
  fundCode: string | null;
  amountMinor: number;
  currency: string;
  paidOn: string;
}

/** The idempotency key of the gift a disbursement becomes: one disbursement, one gift. */
export const grantGiftKey = (disbursementId: string) => `grants.disbursement:${disbursementId}`;

/** The gift's fields: from the funder, received on the day it was paid (UTC midnight), by bank transfer. */
export function grantGiftInput(p: DisbursementPaid, contactId: string, fundId: string | null) {
  return {
    contactId,
    amount: { amountMinor: p.amountMinor, currency: p.currency },
    receivedAt: new Date(`${p.paidOn}T00:00:00.000Z`),
    kind: 'ONE_OFF' as const,
    paymentMethod: 'BANK_TRANSFER',
    opportunityId: p.opportunityId,
    allocations: fundId ? [{ fundId, amountMinor: p.amountMinor }] : [],
    idempotencyKey: grantGiftKey(p.disbursementId),
  };
}

/** The trace id inside a W3C traceparent (`00-<trace>-<span>-<flags>`), if it is one. */
export function traceIdOf(traceparent: string | null | undefined): string | undefined {
  const m = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent ?? '');
  return m && m[1] !== '0'.repeat(32) ? m[1] : undefined;
}
