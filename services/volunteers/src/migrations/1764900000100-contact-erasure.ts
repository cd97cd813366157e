import { sqlMigration } from '@commonhold/kit';

// fundraising's contact.erased blanks the projection's copy of a name; erased_at keeps a
// redelivered contact.created from bringing it back.
export const ContactErasure1764900000100 = sqlMigration(
  'ContactErasure1764900000100',
  ['ALTER TABLE known_contacts ADD COLUMN erased_at timestamptz'],
  ['ALTER TABLE known_contacts DROP COLUMN erased_at'],
);
