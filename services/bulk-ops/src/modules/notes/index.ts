// What other modules may import from notes (never its resolvers or wiring: service.ts imports notes.module.ts).
export { createNote } from './create-note';
export { noteTitle } from './note';
