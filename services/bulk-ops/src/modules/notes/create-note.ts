import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { idempotent, newEvent, publishEvents, writeAudit, type EventRegistry } from '@commonhold/kit';
import { noteTitle } from './note';
import { insertNote } from './note.store';

export interface CreateNote {
  tenantId: string;
  actor: string;
  input: { title?: unknown; idempotencyKey: string };
}

/** Creates a note: validate → write the row, its audit event and its domain event in one transaction → its id. */
export function createNote(m: EntityManager, registry: EventRegistry, cmd: CreateNote): Promise<string> {
  const { tenantId, input } = cmd;
  return idempotent(m, tenantId, 'createBulkOpsNote', input, async () => {
    const title = noteTitle(input.title);
    const id = randomUUID();
    await insertNote(m, { id, tenantId, title });
    await writeAudit(m, { tenantId, actor: cmd.actor, action: 'note.created', entityType: 'note', entityId: id, after: { title } });
    await publishEvents(m, registry, tenantId, [newEvent('commonhold.bulk-ops.note.created.v1', id, { noteId: id, title })]);
    return id;
  });
}
