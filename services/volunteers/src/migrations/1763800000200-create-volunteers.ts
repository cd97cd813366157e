import { sqlMigration, tenantRlsSql } from '@commonhold/kit';

export const CreateVolunteers1763800000200 = sqlMigration(
  'CreateVolunteers1763800000200',
  [
    // Projection of fundraising's contacts, fed only by contact.created events (no cross-database reads).
    `CREATE TABLE known_contacts (
      tenant_id text NOT NULL,
      contact_id uuid NOT NULL,
      first_name text NOT NULL,
      last_name text NOT NULL,
      learned_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, contact_id)
    )`,
    ...tenantRlsSql('known_contacts'),
    `CREATE TABLE volunteer_profiles (
      tenant_id text NOT NULL,
      contact_id uuid NOT NULL,
      status text NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
      registered_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, contact_id),
      FOREIGN KEY (tenant_id, contact_id) REFERENCES known_contacts (tenant_id, contact_id)
    )`,
    ...tenantRlsSql('volunteer_profiles'),
  ],
  ['DROP TABLE volunteer_profiles', 'DROP TABLE known_contacts'],
);
