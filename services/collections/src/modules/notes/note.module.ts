import { defineModule } from '@commonhold/kit';
import { NoteEntity } from './note.entity';
import { noteCreatedConsumer } from './note-created.consumer';
import { noteResolvers } from './note.resolvers';

export const notesModule = defineModule({
  name: 'notes',
  resolvers: noteResolvers,
  entities: [NoteEntity],
  consumers: () => [noteCreatedConsumer],
});
