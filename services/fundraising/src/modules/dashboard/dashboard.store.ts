import type { EntityManager } from 'typeorm';
import { addDays } from './periods';

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
  total: number;
  gifts: number;
}

/** Whole months inside [from, toEnd): read from the monthly aggregates; the edge days from gifts. */
export function splitRange(from: string, toEnd: string): { fullStart: string; fullEnd: string } {
  const firstOfNext = (d: string) => (d.endsWith('-01') ? d : addDays(`${d.slice(0, 7)}-01`, 32).slice(0, 7) + '-01');
  const fullStart = firstOfNext(from);
  const fullEnd = `${toEnd.slice(0, 7)}-01`;
  // No whole month inside: everything from gifts (an empty aggregate window).
  return fullStart < fullEnd ? { fullStart, fullEnd } : { fullStart: from, fullEnd: from };
}

const NIL = '00000000-0000-0000-0000-000000000000';
/** Gifts of the range outside its whole months ($5..$6). */
const EDGE = `${COUNTED} AND NOT (g.received_at >= $5::timestamptz AND g.received_at < $6::timestamptz)`;
const splitParams = (s: Scope) => {
  const { fullStart, fullEnd } = splitRange(s.from, s.toEnd);
  return [...params(s), at(fullStart), at(fullEnd)];
};

/**
 * Months, campaigns and appeals over from..to: whole months from `gift_month_totals` (kept by
 * triggers on gifts), the range's edge days from gifts, grouped in one statement.
 */
export async function rangeTotals(m: EntityManager, s: Scope): Promise<RangeTotals> {
  const rows: { gs: number; month: string | null; id: string | null; code: string | null; name: string | null; total: string; gifts: number }[] = await m.query(
    `WITH parts AS (
       SELECT t.month, t.campaign_id, t.appeal_id, t.net_minor AS net, t.gift_count AS gifts
       FROM gift_month_totals t
       WHERE t.tenant_id = $1 AND t.currency = $2 AND t.month >= $5::date AND t.month < $6::date
       UNION ALL
       SELECT (date_trunc('month', g.received_at AT TIME ZONE 'UTC'))::date, coalesce(g.campaign_id, '${NIL}'), coalesce(g.appeal_id, '${NIL}'),
              g.amount_minor - g.refunded_minor, 1
       FROM gifts g WHERE ${EDGE}
     ),
     agg AS (
       SELECT GROUPING(month, campaign_id, appeal_id) AS gs, month, campaign_id, appeal_id, sum(net) AS total, sum(gifts)::int AS gifts
       FROM parts GROUP BY GROUPING SETS ((month), (campaign_id), (appeal_id))
       HAVING sum(gifts) > 0
     )
     SELECT a.gs, to_char(a.month, 'YYYY-MM') AS month, nullif(coalesce(a.campaign_id, a.appeal_id), '${NIL}') AS id,
            coalesce(c.code, p.code) AS code, coalesce(c.name, p.name) AS name, a.total::text AS total, a.gifts
     FROM agg a
     LEFT JOIN campaigns c ON a.gs = 5 AND c.id = a.campaign_id
     LEFT JOIN appeals p ON a.gs = 6 AND p.id = a.appeal_id`,
    splitParams(s),
  );
  const out: RangeTotals = { byMonth: [], byCampaign: [], byAppeal: [], total: 0, gifts: 0 };
  for (const r of rows) {
    const total = Number(r.total);
    if (r.gs === 3) {
      out.byMonth.push({ month: r.month!, total, gifts: r.gifts });
      out.total += total;
      out.gifts += r.gifts;
    } else if (r.gs === 5) out.byCampaign.push({ id: r.id, code: r.code, name: r.name, total, gifts: r.gifts });
    else if (r.gs === 6) out.byAppeal.push({ id: r.id, code: r.code, name: r.name, total, gifts: r.gifts });
  }
  const order = (x: Bucket, y: Bucket) => y.total - x.total || (x.code ?? '\uffff').localeCompare(y.code ?? '\uffff');
  out.byMonth.sort((x, y) => x.month.localeCompare(y.month));
  out.byCampaign.sort(order);
  out.byAppeal.sort(order);
  return out;
}

/** The `limit` largest donors over from..to, largest first (ties by contact id): per gift. */
export async function topDonors(m: EntityManager, s: Scope, limit: number): Promise<{ contactId: string; total: number; gifts: number }[]> {
  const rows: { contact_id: string; total: string; gifts: number }[] = await m.query(
    `SELECT g.contact_id, sum(g.amount_minor - g.refunded_minor)::text AS total, count(*)::int AS gifts
     FROM gifts g WHERE ${COUNTED}
     GROUP BY g.contact_id ORDER BY sum(g.amount_minor - g.refunded_minor) DESC, g.contact_id LIMIT $5`,
    [...params(s), limit],
  );
  return rows.map((r) => ({ contactId: r.contact_id, total: Number(r.total), gifts: r.gifts }));
}

/**
 * Per fund: each allocation reduced pro rata for refunds (allocation × net / amount, rounded
 * down), with the gifts that have no allocation at all as the bucket with no id. The caller puts
 * what is left of the range's total (gifts without allocation, and any part of an allocated gift
 * not allocated) in that bucket, so the buckets add up to the total exactly. Whole months from
 * `gift_month_fund_totals`, edge days from gifts.
 */
export async function fundTotals(m: EntityManager, s: Scope): Promise<Bucket[]> {
  const rows: (Omit<Bucket, 'total'> & { total: string })[] = await m.query(
    `WITH parts AS (
       SELECT t.fund_id, t.net_minor AS net, t.allocation_count AS gifts
       FROM gift_month_fund_totals t WHERE t.tenant_id = $1 AND t.currency = $2 AND t.month >= $5::date AND t.month < $6::date
       UNION ALL
       SELECT NULL, 0, t.unallocated_count
       FROM gift_month_totals t WHERE t.tenant_id = $1 AND t.currency = $2 AND t.month >= $5::date AND t.month < $6::date
       UNION ALL
       SELECT a.fund_id, CASE WHEN a.fund_id IS NULL THEN g.amount_minor - g.refunded_minor ELSE a.amount_minor * (g.amount_minor - g.refunded_minor) / g.amount_minor END, 1
       FROM gifts g LEFT JOIN gift_allocations a ON a.gift_id = g.id
       WHERE ${EDGE}
     ),
     t AS (SELECT fund_id, sum(net) AS total, sum(gifts)::int AS gifts FROM parts GROUP BY fund_id HAVING sum(gifts) > 0)
     SELECT t.fund_id AS id, f.code, f.name, t.total::text AS total, t.gifts FROM t LEFT JOIN funds f ON f.id = t.fund_id`,
    splitParams(s),
  );
  return rows.map((r) => ({ ...r, total: Number(r.total) }));
}

/** Net total over [from, toEnd): whole months from `gift_month_totals`, edge days from gifts. */
function rangeSumSql(p: { from: number; toEnd: number; fullStart: number; fullEnd: number }) {
  return `(SELECT coalesce((SELECT sum(t.net_minor) FROM gift_month_totals t
              WHERE t.tenant_id = $1 AND t.currency = $2 AND t.month >= $${p.fullStart}::date AND t.month < $${p.fullEnd}::date), 0)
         + coalesce((SELECT sum(g.amount_minor - g.refunded_minor) FROM gifts g
              WHERE g.tenant_id = $1 AND g.currency = $2 AND g.received_at >= $${p.from}::timestamptz AND g.received_at < $${p.toEnd}::timestamptz
                AND g.kind <> 'PLEDGE' AND g.refunded_minor < g.amount_minor
                AND NOT (g.received_at >= $${p.fullStart}::timestamptz AND g.received_at < $${p.fullEnd}::timestamptz)), 0))::text`;
}

export async function yearComparison(m: EntityManager, tenantId: string, currency: string, p: { lastStart: string; thisStart: string; toEnd: string; lastToEnd: string }) {
  const ranges = [
    [p.thisStart, p.toEnd],
    [p.lastStart, p.lastToEnd],
    [p.lastStart, p.thisStart],
  ] as const;
  const values: string[] = [];
  const sums = ranges.map(([from, toEnd]) => {
    const { fullStart, fullEnd } = splitRange(from, toEnd);
    const base = values.length + 3;
    values.push(at(from), at(toEnd), at(fullStart), at(fullEnd));
    return rangeSumSql({ from: base, toEnd: base + 1, fullStart: base + 2, fullEnd: base + 3 });
  });
  const [row] = await m.query(`SELECT ${sums[0]} AS this_year, ${sums[1]} AS last_year_to_date, ${sums[2]} AS last_year`, [tenantId, currency, ...values]);
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
