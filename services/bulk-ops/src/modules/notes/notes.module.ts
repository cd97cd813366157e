import { defineModule } from '@commonhold/kit';
import { NoteEntity } from './note.entity';
import { noteCreatedConsumer } from './note-created.consumer';
import { noteResolvers } from './note.resolvers';

export const notesModule = defineModule({
  name: 'notes',
  resolvers: noteResolvers,
  // What each operation needs (packages/kit/src/permissions.ts): admin and the auditor reach these
  // through their patterns; grant them to other roles in ROLE_GRANTS, then run npm run docs:roles.
  permissions: {
    Query: { bulkOpsNote: 'bulk-ops-notes:read', bulkOpsNotes: 'bulk-ops-notes:read', bulkOpsNoteCount: 'bulk-ops-notes:read' },
    Mutation: { createBulkOpsNote: 'bulk-ops-notes:write' },
    entities: { BulkOpsNote: 'bulk-ops-notes:read' },
  },
  // Callers scoped to buildings, apartments or a vendor are refused here until every table the
  // module reads carries scopeRlsSql; then say scopedCallers: 'fenced'.
  scopedCallers: 'refused',
  entities: [NoteEntity],
  consumers: () => [noteCreatedConsumer],
});
