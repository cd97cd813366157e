import type { EntityManager } from 'typeorm';
import type { Movements, Reconciliation } from './kpis';

/** The KPI pass's reads, per tenant (row-level security: the tenant set by `withTenant`, global scope). */

/** Charges and payments booked in [from, to], each net of its reversals, per currency. */
export function movements(m: EntityManager, tenantId: string, from: string, to: string): Promise<Movements[]> {
  return m.query(
    `SELECT currency,
            COALESCE(sum(amount_minor) FILTER (WHERE kind = 'charge' OR (kind = 'reversal' AND subtype = 'charge')), 0)::float8 AS "chargedMinor",
            COALESCE(-sum(amount_minor) FILTER (WHERE kind = 'payment' OR (kind = 'reversal' AND subtype = 'payment')), 0)::float8 AS "collectedMinor"
     FROM ledger_entries WHERE tenant_id = $1 AND booked_on BETWEEN $2::date AND $3::date GROUP BY currency`,
    [tenantId, from, to],
  );
}

/**
 * Ledger vs balances vs payments: every apartment's maintained balance against the sum of its
 * entries (an apartment with entries and no position counts as a mismatch), every posted bank line
 * against its payment, every bank-file payment against its line.
 */
export async function reconciliation(m: EntityManager, tenantId: string): Promise<Reconciliation> {
  const [r] = await m.query(
    `WITH ledger AS (SELECT apartment_id, sum(amount_minor) AS balance FROM ledger_entries WHERE tenant_id = $1 GROUP BY apartment_id),
     balances AS (
       SELECT count(*) AS checked, count(*) FILTER (WHERE p.apartment_id IS NULL OR p.balance_minor <> l.balance) AS mismatched
       FROM ledger l LEFT JOIN apartment_positions p ON p.apartment_id = l.apartment_id AND p.tenant_id = $1
     ),
     lines AS (
       SELECT count(*) AS checked,
              count(*) FILTER (WHERE e.id IS NULL OR e.kind <> 'payment' OR e.apartment_id IS DISTINCT FROM x.apartment_id OR e.amount_minor <> -x.amount_minor OR e.currency <> x.currency) AS mismatched
       FROM bank_lines x LEFT JOIN ledger_entries e ON e.id = x.entry_id WHERE x.tenant_id = $1 AND x.status IN ('matched', 'resolved')
     ),
     payments AS (
       SELECT count(*) AS checked,
              count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM bank_lines x WHERE x.entry_id = e.id AND x.status IN ('matched', 'resolved'))) AS mismatched
       FROM ledger_entries e WHERE e.tenant_id = $1 AND e.kind = 'payment' AND e.subtype = 'bank_file'
     )
     SELECT (b.checked + l.checked + p.checked)::int AS checked, (b.mismatched + l.mismatched + p.mismatched)::int AS mismatched FROM balances b, lines l, payments p`,
    [tenantId],
  );
  return r;
}

/** Debits closed by a payment and not yet counted, marked counted (each counted once, whichever replica takes it). */
export function takeCollected(m: EntityManager, tenantId: string): Promise<{ days: number; method: string }[]> {
  return m.query(
    `WITH taken AS (
       UPDATE collected_debits c SET observed_at = now()
       WHERE c.id IN (SELECT id FROM collected_debits WHERE tenant_id = $1 AND observed_at IS NULL ORDER BY id LIMIT 10000 FOR UPDATE SKIP LOCKED)
       RETURNING GREATEST(0, c.collected_on - c.due_on) AS days, c.method
     ) SELECT days, method FROM taken`,
    [tenantId],
  );
}
