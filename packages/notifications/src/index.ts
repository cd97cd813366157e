// @commonhold/notifications: email (SMTP), SMS (provider interface; Twilio) and PDF letters from
// templates per tenant and locale, with delivery records, outcomes and retry classification.
// Test helpers (SMTP sink, fake Twilio, PDF text) live in `@commonhold/notifications/testing`.
export * from './delivery-status';
export * from './delivery-store';
export type { ChannelResult } from './channel';
export * from './retry-classification';
export * from './templates/template';
export * from './email/smtp-email';
export * from './email/dsn';
export * from './email/dsn-webhook';
export * from './sms/sms-provider';
export * from './sms/twilio';
export * from './letter/pdf-letter';
export * from './metrics';
export * from './notifier';
export * from './config';
export * from './create-notifier';
