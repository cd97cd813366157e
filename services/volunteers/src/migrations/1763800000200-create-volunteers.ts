import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantRlsSql } from '@commonhold/kit';

export class CreateVolunteers1763800000200 implements MigrationInterface {
  name = 'CreateVolunteers1763800000200';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
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
    ];
    for (const s of statements) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE volunteer_profiles`);
    await q.query(`DROP TABLE known_contacts`);
  }
}
