import type { EntityManager } from 'typeorm';
import { addDays, monthsBetween } from './periods';

/**
 * The dashboard's read-only SQL. Every query reads gifts of one tenant and currency in a range of
 * `received_at` through `gifts_dashboard` (tenant_id, currency, received_at INCLUDE …): net amount
 * = amount_minor - refunded_minor; a gift counts when it is not a PLEDGE and its net is positive
 * (the rollups' rule). RLS scopes every table to the caller's tenant as well.
 */
export interface Scope {
  tenantId: string;
  currency: string;
  /** Inclusive start, `YYYY-MM-DD` (UTC midnight). */
  from: string;
  /** Exclusive end, `YYYY-MM-DD` (the day after the last day). */
  toEnd: string;
}

const COUNTED = `g.tenant_id = $1 AND g.currency = $2 AND g.received_at >= $3::timestamptz AND g.received_at < $4::timestamptz
  AND g.kind <> 'PLEDGE' AND g.refunded_minor < g.amount_minor`;
/** A calendar date's first instant (UTC). */
const at = (date: string) => `${date}T00:00:00Z`;
const params = (s: Scope) => [s.tenantId, s.currency, at(s.from), at(s.toEnd)];

export interface Bucket {
  id: string | null;
  code: string | null;
  name: string | null;
  total: number;
  gifts: number;
}

export interface RangeTotals {
  byMonth: { month: string; total: number; gifts: number }[];
  byCampaign: Bucket[];
  byAppeal: Bucket[];
  /** The `topLimit` largest donors, largest first (ties by contact id). */
  topDonors: { contactId: string; total: number; gifts: number }[];
  total: number;
  gifts: number;
}

/**
 * Everything the dashboard sums over from..to in ONE scan of the range: GROUPING SETS by month,
 * campaign, appeal and contact (the contacts cut to the top `topLimit`).
 */
export async function rangeTotals(m: EntityManager, s: Scope, topLimit: number): Promise<RangeTotals> {
  // Months are found by binary search over their first instants (width_bucket), not by date
  // arithmetic per gift: bucket i (1-based) is months[i - 1].
  const months = monthsBetween(s.from, addDays(s.toEnd, -1));
  const rows: { gs: number; month: number | null; id: string | null; code: string | null; name: string | null; total: string; gifts: number }[] = await m.query(
    `WITH agg AS (
       SELECT GROUPING(month, campaign_id, appeal_id, contact_id) AS gs, month, campaign_id, appeal_id, contact_id, sum(net) AS total, count(*)::int AS gifts
       FROM (
         SELECT width_bucket(g.received_at, $6::timestamptz[]) AS month, g.campaign_id, g.appeal_id, g.contact_id, g.amount_minor - g.refunded_minor AS net
         FROM gifts g WHERE ${COUNTED}
       ) g
       GROUP BY GROUPING SETS ((month), (campaign_id), (appeal_id), (contact_id))
     )
     SELECT a.gs, a.month, coalesce(a.campaign_id, a.appeal_id) AS id, coalesce(c.code, p.code) AS code, coalesce(c.name, p.name) AS name,
            a.total::text AS total, a.gifts
     FROM agg a
     LEFT JOIN campaigns c ON a.gs = 11 AND c.id = a.campaign_id
     LEFT JOIN appeals p ON a.gs = 13 AND p.id = a.appeal_id
     WHERE a.gs <> 14
     UNION ALL
     (SELECT a.gs, NULL, a.contact_id, NULL, NULL, a.total::text, a.gifts FROM agg a WHERE a.gs = 14 ORDER BY a.total DESC, a.contact_id LIMIT $5)`,
    [...params(s), topLimit, months.map((mo) => at(`${mo}-01`))],
  );
  const out: RangeTotals = { byMonth: [], byCampaign: [], byAppeal: [], topDonors: [], total: 0, gifts: 0 };
  for (const r of rows) {
    const total = Number(r.total);
    if (r.gs === 7) {
      out.byMonth.push({ month: months[r.month! - 1]!, total, gifts: r.gifts });
      out.total += total;
      out.gifts += r.gifts;
    } else if (r.gs === 11) out.byCampaign.push({ id: r.id, code: r.code, name: r.name, total, gifts: r.gifts });
    else if (r.gs === 13) out.byAppeal.push({ id: r.id, code: r.code, name: r.name, total, gifts: r.gifts });
    else if (r.gs === 14) out.topDonors.push({ contactId: r.id!, total, gifts: r.gifts });
  }
  const order = (x: Bucket, y: Bucket) => y.total - x.total || (x.code ?? '\uffff').localeCompare(y.code ?? '\uffff');
  out.byMonth.sort((x, y) => x.month.localeCompare(y.month));
  out.byCampaign.sort(order);
  out.byAppeal.sort(order);
  return out;
}

/**
 * Per fund: each allocation reduced pro rata for refunds (allocation × net / amount, rounded
 * down), with the gifts that have no allocation at all as the bucket with no id. The caller puts
 * what is left of the range's total (gifts without allocation, and any part of an allocated gift
 * not allocated) in that bucket, so the buckets add up to the total exactly.
 */
export async function fundTotals(m: EntityManager, s: Scope): Promise<Bucket[]> {
  const rows: (Omit<Bucket, 'total'> & { total: string })[] = await m.query(
    `WITH t AS (
       SELECT a.fund_id, sum(CASE WHEN a.fund_id IS NULL THEN g.amount_minor - g.refunded_minor ELSE a.amount_minor * (g.amount_minor - g.refunded_minor) / g.amount_minor END) AS total,
              count(*)::int AS gifts
       FROM gifts g LEFT JOIN gift_allocations a ON a.gift_id = g.id
       WHERE ${COUNTED}
       GROUP BY a.fund_id
     )
     SELECT t.fund_id AS id, f.code, f.name, t.total::text AS total, t.gifts FROM t LEFT JOIN funds f ON f.id = t.fund_id`,
    params(s),
  );
  return rows.map((r) => ({ ...r, total: Number(r.total) }));
}

export async function yearComparison(m: EntityManager, tenantId: string, currency: string, p: { lastStart: string; thisStart: string; toEnd: string; lastToEnd: string }) {
  const [row] = await m.query(
    `SELECT coalesce(sum(net) FILTER (WHERE received_at >= $4::timestamptz), 0)::text AS this_year,
            coalesce(sum(net) FILTER (WHERE received_at < $6::timestamptz), 0)::text AS last_year_to_date,
            coalesce(sum(net) FILTER (WHERE received_at < $4::timestamptz), 0)::text AS last_year
     FROM (
       SELECT g.received_at, g.amount_minor - g.refunded_minor AS net FROM gifts g
       WHERE g.tenant_id = $1 AND g.currency = $2 AND g.received_at >= $3::timestamptz AND g.received_at < $5::timestamptz
         AND g.kind <> 'PLEDGE' AND g.refunded_minor < g.amount_minor
     ) g`,
    [tenantId, currency, at(p.lastStart), at(p.thisStart), at(p.toEnd), at(p.lastToEnd)],
  );
  return { thisYear: Number(row.this_year), lastYearToDate: Number(row.last_year_to_date), lastYear: Number(row.last_year) };
}

/**
 * Donors (contacts with a counted gift, in any currency) in the previous fiscal year, in this
 * fiscal year up to `to`, and in both.
 */
export async function donorRetention(m: EntityManager, tenantId: string, p: { lastStart: string; thisStart: string; toEnd: string }) {
  const [row] = await m.query(
    `SELECT count(*) FILTER (WHERE last_year)::int AS last_year, count(*) FILTER (WHERE this_year)::int AS this_year,
            count(*) FILTER (WHERE last_year AND this_year)::int AS retained
     FROM (
       SELECT g.contact_id, bool_or(g.received_at < $3::timestamptz) AS last_year,
              bool_or(g.received_at >= $3::timestamptz) AS this_year
       FROM gifts g
       WHERE g.tenant_id = $1 AND g.received_at >= $2::timestamptz AND g.received_at < $4::timestamptz
         AND g.kind <> 'PLEDGE' AND g.refunded_minor < g.amount_minor
       GROUP BY g.contact_id
     ) d`,
    [tenantId, at(p.lastStart), at(p.thisStart), at(p.toEnd)],
  );
  return { lastYearDonors: row.last_year as number, thisYearDonors: row.this_year as number, retainedDonors: row.retained as number };
}
