import { isUuid, type PageArgs, type Resolvers } from '@commonhold/kit';
import { createNote } from './create-note';
import { findNote, noteCount, pageNotes } from './note.store';

/** Thin: GraphQL in, a use case or a store read, GraphQL out. */
export const noteResolvers: Resolvers = {
  Query: {
    bulkOpsNote: (_: unknown, { id }: { id: string }, ctx) => (isUuid(id) ? ctx.tx((m) => findNote(m, id)) : null),
    bulkOpsNotes: (_: unknown, args: PageArgs, ctx) => ctx.tx((m) => pageNotes(m, args)),
    bulkOpsNoteCount: (_: unknown, __: unknown, ctx) => ctx.tx((m) => noteCount(m)),
  },
  Mutation: {
    createBulkOpsNote: async (_: unknown, { input }: { input: { title: string; idempotencyKey: string } }, ctx) => {
      const { principal, runtime } = ctx;
      return ctx.tx(async (m) => {
        const id = await createNote(m, runtime.registry, { tenantId: principal.tenantId, actor: principal.userId, input });
        return { note: await findNote(m, id) };
      });
    },
  },
};
