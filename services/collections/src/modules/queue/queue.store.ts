import type { EntityManager } from 'typeorm';
import { keysetPage, type PageArgs } from '@commonhold/kit';
import { POSITIONS_AGING_SQL, staleApartments } from '../ledger';

/** The collections queue, set-based: the aging SQL per apartment joined with its latest promise. */

export interface QueueRow {
  apartmentId: string;
  buildingId: string;
  currency: string;
  balanceMinor: number;
  overdueMinor: number;
  oldestDaysPastDue: number;
  latestPromise: 'active' | 'kept' | 'broken' | null;
  promiseId: string | null;
  /** The date the queue was read on. */
  asOf: string;
}

export interface QueueFilter {
  buildingId: string | null;
  minDays: number;
  maxDays: number;
  /** SQL-level status: the latest promise's status to require (`none` for OVERDUE: none, or kept). */
  status: 'overdue' | 'promise_active' | 'promise_broken' | null;
}

/** Apartments in arrears, most days past due first (then apartment id), keyset-paged. */
export async function pageQueue(m: EntityManager, tenantId: string, asOf: string, f: QueueFilter, args: PageArgs) {
  const stale = await staleApartments(m, tenantId, asOf, { buildingId: f.buildingId });
  if (!stale.length) return pageQueueFromPositions(m, tenantId, asOf, f, args);
  return keysetPage<QueueRow>(args, { shape: ['int', 'uuid'], cursorOf: (r) => [r.oldestDaysPastDue, r.apartmentId] }, ({ after, take }) =>
    m.query(
      `WITH aging AS (${POSITIONS_AGING_SQL}),
       q AS (
         SELECT g."apartmentId", g."buildingId", b.currency, g."balanceMinor",
                (g.d0_30 + g.d31_60 + g.d61_90 + g."d90Plus") AS "overdueMinor", g."oldestDaysPastDue",
                lp.status AS "latestPromise", lp.id AS "promiseId", to_char($2::date, 'YYYY-MM-DD') AS "asOf"
         FROM aging g
         JOIN buildings b ON b.id = g."buildingId"
         LEFT JOIN LATERAL (
           SELECT p.id, p.status FROM promises_to_pay p WHERE p.tenant_id = $1 AND p.apartment_id = g."apartmentId" ORDER BY p.created_at DESC, p.id DESC LIMIT 1
         ) lp ON true
         WHERE g."oldestDaysPastDue" BETWEEN $6 AND $7
       )
       SELECT * FROM q
       WHERE ($8::text IS NULL
              OR ($8 = 'overdue' AND ("latestPromise" IS NULL OR "latestPromise" = 'kept'))
              OR ($8 = 'promise_active' AND "latestPromise" = 'active')
              OR ($8 = 'promise_broken' AND "latestPromise" = 'broken'))
         AND ($9::int IS NULL OR ("oldestDaysPastDue", "apartmentId") < ($9, $10::uuid))
       ORDER BY "oldestDaysPastDue" DESC, "apartmentId" DESC
       LIMIT $11`,
      [tenantId, asOf, f.buildingId, null, stale, f.minDays, Math.min(f.maxDays, 2_147_483_647), f.status, after?.[0] ?? null, after?.[1] ?? null, take],
    ),
  );
}

/**
 * The queue when every apartment's latest booking is on or before asOf (the usual "today"): the page
 * is chosen on the maintained positions (most days past due = oldest open due date first), and only
 * the page's apartments sum their overdue debits.
 */
function pageQueueFromPositions(m: EntityManager, tenantId: string, asOf: string, f: QueueFilter, args: PageArgs) {
  return keysetPage<QueueRow>(args, { shape: ['int', 'uuid'], cursorOf: (r) => [r.oldestDaysPastDue, r.apartmentId] }, ({ after, take }) =>
    m.query(
      `WITH candidates AS (
         -- Without a status filter the page is the first rows of the positions: cut before looking up promises.
         SELECT p.apartment_id, p.building_id, p.balance_minor, p.oldest_open_due_on FROM apartment_positions p
         WHERE p.tenant_id = $1 AND p.oldest_open_due_on < $2::date AND ($3::uuid IS NULL OR p.building_id = $3)
           AND ($2::date - p.oldest_open_due_on) BETWEEN $4 AND $5
           AND ($7::int IS NULL OR (($2::date - p.oldest_open_due_on), p.apartment_id) < ($7, $8::uuid))
         ORDER BY p.oldest_open_due_on, p.apartment_id DESC
         LIMIT CASE WHEN $6::text IS NULL THEN $9::bigint END
       ),
       page AS (
         SELECT p.apartment_id, p.building_id, p.balance_minor, ($2::date - p.oldest_open_due_on) AS days, lp.status, lp.id AS promise_id
         FROM candidates p
         LEFT JOIN LATERAL (
           SELECT x.id, x.status FROM promises_to_pay x WHERE x.tenant_id = $1 AND x.apartment_id = p.apartment_id ORDER BY x.created_at DESC, x.id DESC LIMIT 1
         ) lp ON true
         WHERE ($6::text IS NULL
                OR ($6 = 'overdue' AND (lp.status IS NULL OR lp.status = 'kept'))
                OR ($6 = 'promise_active' AND lp.status = 'active')
                OR ($6 = 'promise_broken' AND lp.status = 'broken'))
         ORDER BY p.oldest_open_due_on, p.apartment_id DESC
         LIMIT $9::bigint
       )
       SELECT pg.apartment_id AS "apartmentId", pg.building_id AS "buildingId", b.currency, pg.balance_minor::float8 AS "balanceMinor",
              (SELECT COALESCE(sum(o.open_minor), 0) FROM apartment_open_debits o WHERE o.apartment_id = pg.apartment_id AND o.due_on < $2::date)::float8 AS "overdueMinor",
              pg.days AS "oldestDaysPastDue", pg.status AS "latestPromise", pg.promise_id AS "promiseId", to_char($2::date, 'YYYY-MM-DD') AS "asOf"
       FROM page pg JOIN buildings b ON b.id = pg.building_id
       ORDER BY pg.days DESC, pg.apartment_id DESC`,
      [tenantId, asOf, f.buildingId, f.minDays, Math.min(f.maxDays, 2_147_483_647), f.status, after?.[0] ?? null, after?.[1] ?? null, take],
    ),
  );
}
