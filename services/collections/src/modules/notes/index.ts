// What other modules may import from notes.
export { createNote } from './create-note';
export { noteTitle } from './note';
export { notesModule } from './note.module';
