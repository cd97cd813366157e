// Test and local-run helpers: a real SMTP server, a fake Twilio speaking its wire format, PDF text extraction.
export * from './smtp-sink';
export * from './fake-twilio';
export * from './pdf-text';
export * from './delivery-store-contract';
export * from './dsn-message';
