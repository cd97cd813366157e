/** The contacts module's public surface: what other modules may use (its wiring is contacts.module.ts). */
export { contactLoader } from './contact.loader';
export { createContact } from './create-contact';
export { CONTACT_CREATED } from './contact.events';
export { normaliseCountry, normalisePostcode } from './address';
export type { ContactRow } from './contact.entity';
export { findDuplicates, matchProbe, type DuplicateMatch } from './duplicate.store';
