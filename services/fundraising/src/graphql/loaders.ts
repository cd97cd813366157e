import DataLoader from 'dataloader';
import { In, type EntityManager } from 'typeorm';
import type { CursorPart, RequestContext } from '@commonhold/kit';
import { ContactEntity, type ContactRow } from '../modules/contacts/contact.entity';
import { GiftEntity, type GiftRow } from '../modules/gifts/gift.entity';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: unknown): id is string => typeof id === 'string' && UUID.test(id);
export const validIds = (ids: readonly string[]) => ids.filter((id) => UUID.test(id));

/** Cursor of a (created_at DESC, id DESC) keyset page. */
export const KEYSET: CursorPart[] = ['instant', 'uuid'];

/** One DataLoader per request and table: `_entities` and nested fields batch into one query. */
export function byIdLoader<T extends { id: string }>(ctx: RequestContext, name: string, load: (m: EntityManager, ids: string[]) => Promise<T[]>) {
  return ctx.loader(
    name,
    () =>
      new DataLoader<string, T | null>(async (ids) => {
        const valid = validIds(ids);
        const rows = valid.length ? await ctx.tx((m) => load(m, valid)) : [];
        const map = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => map.get(id) ?? null);
      }),
  );
}

export const contactLoader = (ctx: RequestContext) => byIdLoader<ContactRow>(ctx, 'contact', (m, ids) => m.getRepository(ContactEntity).findBy({ id: In(ids) }));
export const giftLoader = (ctx: RequestContext) => byIdLoader<GiftRow>(ctx, 'gift', (m, ids) => m.getRepository(GiftEntity).findBy({ id: In(ids) }));

export const money = (amountMinor: number | string, currency: string) => ({ amountMinor: Number(amountMinor), currency });
