import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';
import { validIds } from './ids';
import type { RequestContext } from './server';

/**
 * One DataLoader per request and name, loading rows by uuid id: `_entities` and nested fields batch
 * into one query. Ids that are not UUIDs resolve to null without reaching SQL.
 */
export function byIdLoader<T extends { id: string }>(ctx: RequestContext, name: string, load: (m: EntityManager, ids: string[]) => Promise<T[]>): DataLoader<string, T | null> {
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

/**
 * The rows found for `ids` by a single-row finder, run in the caller's one transaction (for
 * `byIdLoader` where the store has no many-rows query): the queries share one connection.
 */
export async function manyOf<T>(ids: readonly string[], findOne: (id: string) => Promise<T | null | undefined>): Promise<T[]> {
  const rows: T[] = [];
  for (const id of ids) {
    const r = await findOne(id);
    if (r) rows.push(r);
  }
  return rows;
}

/**
 * One DataLoader per request and name, loading the rows that belong to each uuid key (e.g. the
 * consents of each contact), in the order `load` returns them. Non-UUID keys get an empty list.
 */
export function groupLoader<T>(ctx: RequestContext, name: string, keyOf: (row: T) => string, load: (m: EntityManager, keys: string[]) => Promise<T[]>): DataLoader<string, T[]> {
  return ctx.loader(
    name,
    () =>
      new DataLoader<string, T[]>(async (keys) => {
        const valid = validIds(keys);
        const rows = valid.length ? await ctx.tx((m) => load(m, valid)) : [];
        const byKey = new Map<string, T[]>();
        for (const r of rows) {
          const k = keyOf(r);
          const list = byKey.get(k);
          if (list) list.push(r);
          else byKey.set(k, [r]);
        }
        return keys.map((k) => byKey.get(k) ?? []);
      }),
  );
}
