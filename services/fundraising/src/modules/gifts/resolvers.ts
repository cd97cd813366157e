import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { parsePage, toConnection, type RequestContext } from '@commonhold/kit';
import type { FundraisingConfig } from '../../config';
import { contactLoader, giftLoader, KEYSET, money, validIds } from '../../graphql/loaders';
import type { ContactRow } from '../contacts/contact.entity';
import { GiftEntity, type GiftRow } from './gift.entity';
import { summariseGiving } from './giving-rollup';
import { GivingRollupEntity, type GivingRollupRow } from './giving-rollup.entity';
import { recordGift } from './record-gift';

const rollupLoader = (ctx: RequestContext) =>
  ctx.loader(
    'rollups',
    () =>
      new DataLoader<string, GivingRollupRow[]>(async (contactIds) => {
        const rows = await ctx.tx((m) => m.getRepository(GivingRollupEntity).findBy({ subjectType: 'CONTACT', subjectId: In(validIds(contactIds)) }));
        return contactIds.map((id) => rows.filter((r) => r.subjectId === id));
      }),
  );

/** Keyset page over (created_at DESC, id DESC), optionally filtered by contact. */
async function giftPage(ctx: RequestContext, args: { first?: number; after?: string }, contactId?: string) {
  const { limit, after } = parsePage(args, 100, 20, KEYSET);
  const rows = await ctx.tx((m) => {
    const qb = m.getRepository(GiftEntity).createQueryBuilder('g').orderBy('g.created_at', 'DESC').addOrderBy('g.id', 'DESC').limit(limit + 1);
    if (contactId) qb.andWhere('g.contact_id = :contactId', { contactId });
    if (after) qb.andWhere('(g.created_at, g.id) < (:at::timestamptz, :id::uuid)', { at: after[0], id: after[1] });
    return qb.getMany();
  });
  return toConnection(rows, limit, (g) => [g.createdAt.toISOString(), g.id]);
}

export const giftResolvers: GraphQLResolverMap<RequestContext> = {
  Query: {
    gift: (_: unknown, { id }: { id: string }, ctx: RequestContext) => giftLoader(ctx).load(id),
    gifts: (_: unknown, args: { first?: number; after?: string }, ctx: RequestContext) => giftPage(ctx, args),
  },
  Mutation: {
    recordGift: async (_: unknown, { input }: { input: { contactId: string; amount: unknown; receivedAt: Date; idempotencyKey: string } }, ctx: RequestContext) => {
      const { giftId } = await ctx.tx((m) => recordGift(m, ctx.runtime.registry, { tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, input }));
      return { gift: await giftLoader(ctx).load(giftId) };
    },
  },
  Contact: {
    giving: async (c: ContactRow, _: unknown, ctx: RequestContext) => {
      const rows = await rollupLoader(ctx).load(c.id);
      return summariseGiving(
        rows.map((r) => ({ currency: r.currency, totalMinor: r.totalMinor, giftCount: r.giftCount, lastGiftDate: r.lastGiftAt })),
        (ctx.runtime.config as FundraisingConfig).DEFAULT_CURRENCY,
      );
    },
    gifts: (c: ContactRow, args: { first?: number; after?: string }, ctx: RequestContext) => giftPage(ctx, args, c.id),
  },
  Gift: {
    __resolveReference: (ref: { id: string }, ctx: RequestContext) => giftLoader(ctx).load(ref.id),
    amount: (g: GiftRow) => money(g.amountMinor, g.currency),
    contact: (g: GiftRow, _: unknown, ctx: RequestContext) => contactLoader(ctx).load(g.contactId),
  },
};
