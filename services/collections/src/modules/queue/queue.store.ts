import type { EntityManager } from 'typeorm';
import { keysetPage, type PageArgs } from '@commonhold/kit';
import { AGING_SQL } from '../ledger';

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
}

export interface QueueFilter {
  buildingId: string | null;
  minDays: number;
  maxDays: number;
  /** SQL-level status: the latest promise's status to require (`none` for OVERDUE: none, or kept). */
  status: 'overdue' | 'promise_active' | 'promise_broken' | null;
}

/** Apartments in arrears, most days past due first (then apartment id), keyset-paged. */
export function pageQueue(m: EntityManager, tenantId: string, asOf: string, f: QueueFilter, args: PageArgs) {
  return keysetPage<QueueRow>(args, { shape: ['int', 'uuid'], cursorOf: (r) => [r.oldestDaysPastDue, r.apartmentId] }, ({ after, take }) =>
    m.query(
      `WITH aging AS (${AGING_SQL}),
       q AS (
         SELECT g."apartmentId", g."buildingId", b.currency, g."balanceMinor",
                (g.d0_30 + g.d31_60 + g.d61_90 + g."d90Plus") AS "overdueMinor", g."oldestDaysPastDue",
                lp.status AS "latestPromise", lp.id AS "promiseId"
         FROM aging g
         JOIN buildings b ON b.id = g."buildingId"
         LEFT JOIN LATERAL (
           SELECT p.id, p.status FROM promises_to_pay p WHERE p.tenant_id = $1 AND p.apartment_id = g."apartmentId" ORDER BY p.created_at DESC, p.id DESC LIMIT 1
         ) lp ON true
         WHERE g."oldestDaysPastDue" BETWEEN $5 AND $6
       )
       SELECT * FROM q
       WHERE ($7::text IS NULL
              OR ($7 = 'overdue' AND ("latestPromise" IS NULL OR "latestPromise" = 'kept'))
              OR ($7 = 'promise_active' AND "latestPromise" = 'active')
              OR ($7 = 'promise_broken' AND "latestPromise" = 'broken'))
         AND ($8::int IS NULL OR ("oldestDaysPastDue", "apartmentId") < ($8, $9::uuid))
       ORDER BY "oldestDaysPastDue" DESC, "apartmentId" DESC
       LIMIT $10`,
      [tenantId, asOf, f.buildingId, null, f.minDays, Math.min(f.maxDays, 2_147_483_647), f.status, after?.[0] ?? null, after?.[1] ?? null, take],
    ),
  );
}
