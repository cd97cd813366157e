import { sqlMigration, tenantRlsSql } from '@commonhold/kit';

export const CreateBulkOps1796522582356 = sqlMigration(
  'CreateBulkOps1796522582356',
  [
    `CREATE TABLE notes (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      title text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX notes_page ON notes (tenant_id, created_at DESC, id DESC)',
    ...tenantRlsSql('notes'),
    // Kept by the note-created consumer from the event (an example of a projection).
    `CREATE TABLE note_counts (
      tenant_id text PRIMARY KEY,
      notes integer NOT NULL
    )`,
    ...tenantRlsSql('note_counts'),
  ],
  ['DROP TABLE note_counts', 'DROP TABLE notes'],
);
