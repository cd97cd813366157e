import { parsePage, toConnection, type Connection, type CursorPart, type PageArgs } from './pagination';

/** Cursor of a `(created_at DESC, id DESC)` keyset page, the usual order of a list. */
export const CREATED_AT_ID: CursorPart[] = ['instant', 'uuid'];

/** What a keyset query gets: the validated cursor (null on the first page) and how many rows to read. */
export interface KeysetQuery {
  /** The cursor's parts, each checked against the page's shape; null for the first page. */
  after: (string | number)[] | null;
  /** Rows to fetch: the page size + 1, so the extra row tells whether a next page exists. */
  take: number;
  /** The page size the caller asked for (`first`). */
  limit: number;
}

export interface KeysetOptions<T> {
  /** The cursor's parts, e.g. `CREATED_AT_ID`; a cursor of another shape is refused as BAD_USER_INPUT. */
  shape: CursorPart[];
  /** The cursor of a row: the values of its keyset columns, in `shape` order. */
  cursorOf: (row: T) => (string | number)[];
  /** Largest `first` accepted (default 100). */
  max?: number;
  /** `first` when absent (default 20). */
  defaultSize?: number;
}

/**
 * One keyset-paged Relay connection: validates `first`/`after` against the cursor shape, runs
 * `fetch` with the decoded cursor and `take` (= limit + 1) — it must return rows in keyset order,
 * after the cursor — and builds the connection. The SQL (filters, keyset predicate) stays with the
 * caller; everything around it is here once.
 *
 *     keysetPage(args, { shape: CREATED_AT_ID, cursorOf: (r) => [r.created_at.toISOString(), r.id] }, ({ after, take }) =>
 *       m.query(`SELECT … WHERE ($1::timestamptz IS NULL OR (created_at, id) < ($1, $2)) ORDER BY created_at DESC, id DESC LIMIT $3`,
 *               [after?.[0] ?? null, after?.[1] ?? null, take]))
 */
export async function keysetPage<T>(args: PageArgs, opts: KeysetOptions<T>, fetch: (q: KeysetQuery) => Promise<T[]>): Promise<Connection<T>> {
  const { limit, after } = parsePage(args, opts.max ?? 100, opts.defaultSize ?? 20, opts.shape);
  const rows = await fetch({ after, take: limit + 1, limit });
  return toConnection(rows, limit, opts.cursorOf, after !== null);
}

/** An ISO instant for a cursor from a timestamp column (a Date, or the string a raw query may return). */
export const cursorInstant = (v: Date | string): string => new Date(v).toISOString();
