import type { EntityManager } from 'typeorm';
import { AGING_SQL } from '../ledger';

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

export function totalsByCurrency(m: EntityManager, tenantId: string, asOf: string, buildingId: string | null): Promise<CurrencyTotalsRow[]> {
  return m.query(
    `WITH aging AS (${AGING_SQL})
     SELECT b.currency, sum(g."balanceMinor")::float8 AS "balanceMinor", sum(g."notDue")::float8 AS "notDue", sum(g.d0_30)::float8 AS d0_30,
            sum(g.d31_60)::float8 AS d31_60, sum(g.d61_90)::float8 AS d61_90, sum(g."d90Plus")::float8 AS "d90Plus",
            (count(*) FILTER (WHERE g."oldestDaysPastDue" > 0))::int AS "apartmentsInArrears"
     FROM aging g JOIN buildings b ON b.id = g."buildingId"
     GROUP BY b.currency ORDER BY b.currency`,
    [tenantId, asOf, buildingId, null],
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
