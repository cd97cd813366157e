import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import DataLoader from 'dataloader';
import { In, type EntityManager } from 'typeorm';
import { DateTimeScalar, parsePage, type CursorPart, toConnection, type RequestContext, type AuditRow } from '@commonhold/kit';
import type { FundraisingConfig } from "../config";
import { summariseGiving } from '../domain/giving-rollup';
import { ContactEntity, type ContactRow } from '../entities/contact.entity';
import { GiftEntity, type GiftRow } from '../entities/gift.entity';
import { GivingRollupEntity, type GivingRollupRow } from '../entities/giving-rollup.entity';
import { createContact } from '../use-cases/create-contact';
import { recordGift } from '../use-cases/record-gift';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const validIds = (ids: readonly string[]) => ids.filter((id) => UUID.test(id));

/** One DataLoader per request and table: `_entities` and nested fields batch into one query. */
function byIdLoader<T extends { id: string }>(ctx: RequestContext, name: string, load: (m: EntityManager, ids: string[]) => Promise<T[]>) {
  return ctx.loader(
    name,
    () =>
      new DataLoader<string, T | null>(async (ids) => {
        const rows = await ctx.tx((m) => load(m, validIds(ids)));
        const map = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => map.get(id) ?? null);
      }),
  );
}

const contactLoader = (ctx: RequestContext) =>
  byIdLoader<ContactRow>(ctx, 'contact', (m, ids) => (ids.length ? m.getRepository(ContactEntity).findBy({ id: In(ids) }) : Promise.resolve([])));
const giftLoader = (ctx: RequestContext) =>
  byIdLoader<GiftRow>(ctx, 'gift', (m, ids) => (ids.length ? m.getRepository(GiftEntity).findBy({ id: In(ids) }) : Promise.resolve([])));
const rollupLoader = (ctx: RequestContext) =>
  ctx.loader(
    'rollups',
    () =>
      new DataLoader<string, GivingRollupRow[]>(async (contactIds) => {
        const rows = await ctx.tx((m) => m.getRepository(GivingRollupEntity).findBy({ contactId: In(validIds(contactIds)) }));
        return contactIds.map((id) => rows.filter((r) => r.contactId === id));
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

/** Cursor of a (created_at DESC, id DESC) keyset page. */
const KEYSET: CursorPart[] = ['instant', 'uuid'];

const money = (amountMinor: number, currency: string) => ({ amountMinor, currency });

export const resolvers: GraphQLResolverMap<RequestContext> = {
  DateTime: DateTimeScalar,
  Query: {
    contact: (_: unknown, { id }: { id: string }, ctx: RequestContext) => contactLoader(ctx).load(id),
    gift: (_: unknown, { id }: { id: string }, ctx: RequestContext) => giftLoader(ctx).load(id),
    gifts: (_: unknown, args: { first?: number; after?: string }, ctx: RequestContext) => giftPage(ctx, args),
    contacts: async (_: unknown, args: { first?: number; after?: string }, ctx: RequestContext) => {
      const { limit, after } = parsePage(args, 100, 20, KEYSET);
      const rows = await ctx.tx((m) => {
        const qb = m.getRepository(ContactEntity).createQueryBuilder('c').orderBy('c.created_at', 'DESC').addOrderBy('c.id', 'DESC').limit(limit + 1);
        if (after) qb.andWhere('(c.created_at, c.id) < (:at::timestamptz, :id::uuid)', { at: after[0], id: after[1] });
        return qb.getMany();
      });
      return toConnection(rows, limit, (c) => [c.createdAt.toISOString(), c.id]);
    },
    fundraisingAuditEvents: async (_: unknown, args: { entityId: string; first?: number; after?: string }, ctx: RequestContext) => {
      const { limit, after } = parsePage(args, 100, 20, ['int']);
      const rows: AuditRow[] = await ctx.tx((m) =>
        m.query(`SELECT * FROM audit_events WHERE entity_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [args.entityId, after?.[0] ?? 0, limit + 1]),
      );
      return toConnection(
        rows.map((r) => ({
          id: String(r.id),
          actor: r.actor,
          action: r.action,
          entityType: r.entity_type,
          entityId: r.entity_id,
          before: r.before === null ? null : JSON.stringify(r.before),
          after: r.after === null ? null : JSON.stringify(r.after),
          traceId: r.trace_id,
          requestId: r.request_id,
          occurredAt: r.occurred_at,
        })),
        limit,
        (r) => [Number(r.id)],
      );
    },
  },
  Mutation: {
    createContact: async (_: unknown, { input }: { input: { idempotencyKey: string } }, ctx: RequestContext) => {
      const { contactId } = await ctx.tx((m) => createContact(m, ctx.runtime.registry, { tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, input }));
      return { contact: await contactLoader(ctx).load(contactId) };
    },
    recordGift: async (_: unknown, { input }: { input: { contactId: string; amount: unknown; receivedAt: Date; idempotencyKey: string } }, ctx: RequestContext) => {
      const { giftId } = await ctx.tx((m) => recordGift(m, ctx.runtime.registry, { tenantId: ctx.principal.tenantId, actor: ctx.principal.userId, input }));
      return { gift: await giftLoader(ctx).load(giftId) };
    },
  },
  Contact: {
    __resolveReference: (ref: { id: string }, ctx: RequestContext) => contactLoader(ctx).load(ref.id),
    giving: async (c: ContactRow, _: unknown, ctx: RequestContext) => {
      const rows = await rollupLoader(ctx).load(c.id);
      return summariseGiving(rows, (ctx.runtime.config as FundraisingConfig).DEFAULT_CURRENCY);
    },
    gifts: (c: ContactRow, args: { first?: number; after?: string }, ctx: RequestContext) => giftPage(ctx, args, c.id),
  },
  Gift: {
    __resolveReference: (ref: { id: string }, ctx: RequestContext) => giftLoader(ctx).load(ref.id),
    amount: (g: GiftRow) => money(g.amountMinor, g.currency),
    contact: (g: GiftRow, _: unknown, ctx: RequestContext) => contactLoader(ctx).load(g.contactId),
  },
};
