import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parsePage, toConnection, type RequestContext } from '@commonhold/kit';
import { contactLoader, KEYSET } from '../../graphql/loaders';
import { ContactEntity } from './contact.entity';
import { createContact } from './create-contact';

export const contactResolvers: GraphQLResolverMap<RequestContext> = {
  Query: {
    contact: (_: unknown, { id }: { id: string }, ctx: RequestContext) => contactLoader(ctx).load(id),
    contacts: async (_: unknown, args: { first?: number; after?: string }, ctx: RequestContext) => {
      const { limit, after } = parsePage(args, 100, 20, KEYSET);
      const rows = await ctx.tx((m) => {
        const qb = m.getRepository(ContactEntity).createQueryBuilder('c').orderBy('c.created_at', 'DESC').addOrderBy('c.id', 'DESC').limit(limit + 1);
        if (after) qb.andWhere('(c.created_at, c.id) < (:at::timestamptz, :id::uuid)', { at: after[0], id: after[1] });
        return qb.getMany();
      });
      return toConnection(rows, limit, (c) => [c.createdAt.toISOString(), c.id]);
    },
  },
  Mutation: {
    createContact: async (_: unknown, { input }: { input: { idempotencyKey: string } }, ctx: RequestContext) => {
      const { contactId } = await ctx.tx((m) => createContact(m, ctx.runtime.registry, { tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, input }));
      return { contact: await contactLoader(ctx).load(contactId) };
    },
  },
  Contact: {
    __resolveReference: (ref: { id: string }, ctx: RequestContext) => contactLoader(ctx).load(ref.id),
  },
};
