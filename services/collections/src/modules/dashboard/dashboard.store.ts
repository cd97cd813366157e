import type { EntityManager } from 'typeorm';
import { POSITIONS_AGING_SQL, staleApartments } from '../ledger';

/** The dashboard's reads, each one set-based query (row-level security scopes them to the caller). */

export interface CurrencyTotalsRow {
  currency: string;
  balanceMinor: number;
  notDue: number;
  d0_30: number;
  d31_60: number;
  d61_90: number;
  d90Plus: number;
  apartmentsInArrears: number;
}

export async function overviewCounts(m: EntityManager, tenantId: string): Promise<{ buildings: number; apartments: number; activePromises: number; unmatchedBankLines: number }> {
  const [r] = await m.query(
    `SELECT (SELECT count(*) FROM buildings WHERE tenant_id = $1)::int AS buildings,
            (SELECT count(*) FROM apartments WHERE tenant_id = $1)::int AS apartments,
            (SELECT count(*) FROM promises_to_pay WHERE tenant_id = $1 AND status = 'active')::int AS "activePromises",
            (SELECT count(*) FROM bank_lines WHERE tenant_id = $1 AND status = 'unmatched')::int AS "unmatchedBankLines"`,
    [tenantId],
  );
  return r;
}

export async function totalsByCurrency(m: EntityManager, tenantId: string, asOf: string, buildingId: string | null): Promise<CurrencyTotalsRow[]> {
  const stale = await staleApartments(m, tenantId, asOf, { buildingId });
  if (!stale.length) {
    // Every apartment's latest booking is on or before asOf (the usual "today"): sums straight
    // from the maintained positions and open debits, no per-apartment step.
    return m.query(
      `WITH pos AS (
         SELECT b.currency, sum(p.balance_minor) AS balance, count(*) FILTER (WHERE p.oldest_open_due_on < $2::date) AS arrears
         FROM apartment_positions p JOIN buildings b ON b.id = p.building_id
         WHERE p.tenant_id = $1 AND ($3::uuid IS NULL OR p.building_id = $3) GROUP BY b.currency
       ),
       open AS (
         SELECT b.currency,
                sum(o.open_minor) FILTER (WHERE $2::date - o.due_on <= 0) AS not_due,
                sum(o.open_minor) FILTER (WHERE $2::date - o.due_on BETWEEN 1 AND 30) AS d0_30,
                sum(o.open_minor) FILTER (WHERE $2::date - o.due_on BETWEEN 31 AND 60) AS d31_60,
                sum(o.open_minor) FILTER (WHERE $2::date - o.due_on BETWEEN 61 AND 90) AS d61_90,
                sum(o.open_minor) FILTER (WHERE $2::date - o.due_on > 90) AS d90
         FROM apartment_open_debits o JOIN buildings b ON b.id = o.building_id
         WHERE o.tenant_id = $1 AND ($3::uuid IS NULL OR o.building_id = $3) GROUP BY b.currency
       )
       SELECT pos.currency, pos.balance::float8 AS "balanceMinor", COALESCE(open.not_due, 0)::float8 AS "notDue", COALESCE(open.d0_30, 0)::float8 AS d0_30,
              COALESCE(open.d31_60, 0)::float8 AS d31_60, COALESCE(open.d61_90, 0)::float8 AS d61_90, COALESCE(open.d90, 0)::float8 AS "d90Plus", pos.arrears::int AS "apartmentsInArrears"
       FROM pos LEFT JOIN open USING (currency) ORDER BY pos.currency`,
      [tenantId, asOf, buildingId],
    );
  }
  return m.query(
    `WITH aging AS (${POSITIONS_AGING_SQL})
     SELECT b.currency, sum(g."balanceMinor")::float8 AS "balanceMinor", sum(g."notDue")::float8 AS "notDue", sum(g.d0_30)::float8 AS d0_30,
            sum(g.d31_60)::float8 AS d31_60, sum(g.d61_90)::float8 AS d61_90, sum(g."d90Plus")::float8 AS "d90Plus",
            (count(*) FILTER (WHERE g."oldestDaysPastDue" > 0))::int AS "apartmentsInArrears"
     FROM aging g JOIN buildings b ON b.id = g."buildingId"
     GROUP BY b.currency ORDER BY b.currency`,
    [tenantId, asOf, buildingId, null, stale],
  );
}

export interface PeriodRow {
  openingMinor: number;
  chargedMinor: number;
  collectedMinor: number;
  adjustedMinor: number;
}

/** A building's movements booked in [from, to]: net charges, net payments received, net adjustments, and the balance before `from`. */
export async function periodMovements(m: EntityManager, tenantId: string, buildingId: string, from: string, to: string): Promise<PeriodRow> {
  const [r] = await m.query(
    `SELECT COALESCE(sum(amount_minor) FILTER (WHERE booked_on < $3), 0)::float8 AS "openingMinor",
            COALESCE(sum(amount_minor) FILTER (WHERE booked_on BETWEEN $3 AND $4 AND (kind = 'charge' OR (kind = 'reversal' AND subtype = 'charge'))), 0)::float8 AS "chargedMinor",
            COALESCE(-sum(amount_minor) FILTER (WHERE booked_on BETWEEN $3 AND $4 AND (kind = 'payment' OR (kind = 'reversal' AND subtype = 'payment'))), 0)::float8 AS "collectedMinor",
            COALESCE(sum(amount_minor) FILTER (WHERE booked_on BETWEEN $3 AND $4 AND (kind = 'adjustment' OR (kind = 'reversal' AND subtype = 'adjustment'))), 0)::float8 AS "adjustedMinor"
     FROM ledger_entries WHERE tenant_id = $1 AND building_id = $2 AND booked_on <= $4`,
    [tenantId, buildingId, from, to],
  );
  return r;
}
