import { badInput } from './errors';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}
export interface Edge<T> {
  cursor: string;
  node: T;
}
export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export const encodeCursor = (parts: (string | number)[]): string => Buffer.from(JSON.stringify(parts)).toString('base64url');

/** What each position of a cursor must hold, so a forged cursor never reaches SQL. */
export type CursorPart = 'instant' | 'uuid' | 'int';

const CURSOR_CHECKS: Record<CursorPart, (v: unknown) => boolean> = {
  instant: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v) && !Number.isNaN(Date.parse(v)),
  uuid: (v) => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  int: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0,
};

/**
 * Validates `first`/`after`; a cursor is opaque to clients but must be one we issued: with `shape`
 * given, each part must match it (e.g. `['instant', 'uuid']` for a created_at/id keyset).
 */
export function parsePage(args: PageArgs, max = 100, dflt = 20, shape?: CursorPart[]): { limit: number; after: (string | number)[] | null } {
  const limit = args.first ?? dflt;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw badInput('first', `first must be between 1 and ${max}`);
  if (!args.after) return { limit, after: null };
  try {
    const parts = JSON.parse(Buffer.from(args.after, 'base64url').toString('utf8'));
    if (!Array.isArray(parts) || !parts.length || !parts.every((p) => typeof p === 'string' || typeof p === 'number')) throw new Error('shape');
    if (shape && (parts.length !== shape.length || !shape.every((kind, i) => CURSOR_CHECKS[kind](parts[i])))) throw new Error('shape');
    return { limit, after: parts };
  } catch {
    throw badInput('after', 'after is not a valid cursor');
  }
}

/**
 * Builds a Relay connection from `limit + 1` rows fetched in cursor order. Paging forward, a page
 * fetched `after` a cursor has rows before it (the cursor's own row at least): `hasPreviousPage`.
 */
export function toConnection<T>(rows: T[], limit: number, cursorOf: (row: T) => (string | number)[], afterCursor = false): Connection<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(cursorOf(node)) }));
  return { edges, pageInfo: { hasNextPage: rows.length > limit, hasPreviousPage: afterCursor, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null } };
}
