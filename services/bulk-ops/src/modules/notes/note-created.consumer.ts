import type { ConsumerDefinition, EventHandlerArgs, EventPayloads } from '@commonhold/kit';

type NoteCreated = EventPayloads['commonhold.bulk-ops.note.created.v1'];

/** Counts notes per tenant from the event stream; the kit's inbox makes a redelivery change nothing. */
export async function onNoteCreated({ event, m }: EventHandlerArgs<NoteCreated>): Promise<void> {
  await m.query(
    'INSERT INTO note_counts (tenant_id, notes) VALUES ($1, 1) ON CONFLICT (tenant_id) DO UPDATE SET notes = note_counts.notes + 1',
    [event.tenantId],
  );
}

export const noteCreatedConsumer: ConsumerDefinition = {
  group: 'bulk-ops.note-counts',
  topics: ['bulk-ops.note'],
  handlers: { 'commonhold.bulk-ops.note.created.v1': onNoteCreated },
};
