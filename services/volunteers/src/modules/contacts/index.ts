/** The contacts module's public surface: looking up a contact volunteers has learned of. */
export { findKnownContact, learnContactOnce, reachableEmail, recordConsent, consentsOf } from './known-contact.store';
export type { KnownContactRow } from './known-contact.entity';
