import { scopeRlsSql, sqlMigration, tenantRlsSql } from '@commonhold/kit';

/**
 * What bulk reminders need of the directory: each apartment's floor (a scope filter) and who a
 * reminder would reach (collections' apartment-contact.changed: the owner's preferred channel, consent
 * and which details are present — no personal data).
 */
export const DirectoryContacts1796700000000 = sqlMigration(
  'DirectoryContacts1796700000000',
  [
    'ALTER TABLE directory_apartments ADD COLUMN floor integer',
    `CREATE TABLE directory_contacts (
      apartment_id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL,
      owner jsonb,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    ...tenantRlsSql('directory_contacts'),
    ...scopeRlsSql('directory_contacts', { building: 'building_id', apartment: 'apartment_id' }),
  ],
  ['DROP TABLE directory_contacts', 'ALTER TABLE directory_apartments DROP COLUMN floor'],
);
