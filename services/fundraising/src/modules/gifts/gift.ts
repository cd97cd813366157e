/** What a gift may be: its kinds, payment methods, sources and soft-credit roles (pure). */

export const GIFT_KINDS = ['ONE_OFF', 'PLEDGE', 'PLEDGE_PAYMENT', 'RECURRING_INSTALMENT'] as const;
export const PAYMENT_METHODS = ['CASH', 'CHEQUE', 'CARD', 'DIRECT_DEBIT', 'BANK_TRANSFER', 'STANDING_ORDER', 'PAYPAL', 'JUSTGIVING', 'OTHER'] as const;
export const GIFT_SOURCES = ['MANUAL', 'STRIPE', 'GOCARDLESS', 'PAYPAL', 'JUSTGIVING', 'IMPORT'] as const;
export const SOFT_CREDIT_ROLES = ['MATCHED_DONOR', 'SOFT_CREDIT', 'HOUSEHOLD_MEMBER'] as const;
export type GiftKind = (typeof GIFT_KINDS)[number];
