import { sqlMigration } from '@commonhold/kit';
import { RECOMPUTE_POSITIONS_V1 } from './positions.migration';

/**
 * `recompute_apartment_positions` (the `ledger_entries_positions` statement trigger's work) finds the
 * touched apartments' ledger entries and open debits by index with the apartment ids as the key
 * (`apartment_id = ANY(ids)` on `(tenant_id, apartment_id, seq)` and on the open debits' primary key)
 * instead of joining `unnest(ids)`, which the planner could turn into a scan of the tenant's whole
 * ledger per statement (a tenant with 200,000 entries elsewhere: one 2,000-charge bulk statement
 * took 81–108 s, now 0.40–0.55 s; docs/performance/bulk-ops.md). It also reads the old
 * open debits in the DELETE that removes them (one pass instead of two). Same rows, same rules:
 * the ids are distinct (`array_agg(DISTINCT …)`), so `= ANY` and the join select the same entries.
 */
export const PositionsByApartmentIndex1796495272000 = sqlMigration(
  'PositionsByApartmentIndex1796495272000',
  [
    `CREATE OR REPLACE FUNCTION recompute_apartment_positions(tenant text, ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
     DECLARE
       open_apartments uuid[];
       open_dues date[];
     BEGIN
       PERFORM pg_advisory_xact_lock(hashtextextended('apartment-position:' || a::text, 0)) FROM (SELECT DISTINCT unnest(ids) AS a ORDER BY 1) s;
       -- The apartments' open debits before, removed in one pass (primary-key lookups per apartment).
       WITH gone AS (
         DELETE FROM apartment_open_debits o WHERE o.apartment_id = ANY(ids) AND o.tenant_id = tenant RETURNING o.apartment_id, o.due_on
       ) SELECT array_agg(apartment_id), array_agg(due_on) INTO open_apartments, open_dues FROM gone;
       -- The apartments' entries found by the (tenant_id, apartment_id, seq) index with the array as
       -- its key (apartment_id = ANY(ids)), not by a join the planner may turn into a scan of the
       -- tenant's whole ledger: the cost follows the entries of the apartments touched. The running
       -- sum of debits by due date then posting order against all of the apartment's credits.
       INSERT INTO apartment_open_debits (apartment_id, due_on, tenant_id, building_id, open_minor)
       SELECT x.apartment_id, x.due_on, min(x.tenant_id), min(x.building_id::text)::uuid, sum(GREATEST(0, LEAST(x.amount_minor, x.running - x.paid)))
       FROM (
         SELECT e.tenant_id, e.building_id, e.apartment_id, e.amount_minor, e.due_on,
                sum(GREATEST(e.amount_minor, 0)) OVER (PARTITION BY e.apartment_id ORDER BY e.amount_minor > 0 DESC, e.due_on, e.seq) AS running,
                sum(GREATEST(-e.amount_minor, 0)) OVER (PARTITION BY e.apartment_id) AS paid
         FROM ledger_entries e
         WHERE e.tenant_id = tenant AND e.apartment_id = ANY(ids) AND e.kind <> 'reversal' AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)
       ) x
       WHERE x.amount_minor > 0
       GROUP BY x.apartment_id, x.due_on
       HAVING sum(GREATEST(0, LEAST(x.amount_minor, x.running - x.paid))) > 0;
       -- A due date open before and closed now, when the apartment's latest credit is a payment: collected by it.
       INSERT INTO collected_debits (tenant_id, building_id, apartment_id, due_on, collected_on, method)
       SELECT tenant, lp.building_id, b.apartment_id, b.due_on, lp.booked_on, lp.subtype
       FROM unnest(open_apartments, open_dues) AS b(apartment_id, due_on)
       JOIN LATERAL (
         SELECT e.building_id, e.booked_on, e.subtype, e.kind FROM ledger_entries e
         WHERE e.tenant_id = tenant AND e.apartment_id = b.apartment_id AND e.amount_minor < 0 AND e.kind <> 'reversal' ORDER BY e.seq DESC LIMIT 1
       ) lp ON lp.kind = 'payment'
       WHERE open_apartments IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM apartment_open_debits o WHERE o.apartment_id = b.apartment_id AND o.due_on = b.due_on);
       INSERT INTO apartment_positions (apartment_id, tenant_id, building_id, balance_minor, last_booked_on, oldest_open_due_on, updated_at)
       SELECT e.apartment_id, min(e.tenant_id), min(e.building_id::text)::uuid,
              sum(e.amount_minor), -- a reversal cancels its original
              max(e.booked_on), (SELECT min(o.due_on) FROM apartment_open_debits o WHERE o.apartment_id = e.apartment_id), now()
       FROM ledger_entries e WHERE e.tenant_id = tenant AND e.apartment_id = ANY(ids)
       GROUP BY e.apartment_id
       ON CONFLICT (apartment_id) DO UPDATE SET balance_minor = EXCLUDED.balance_minor, last_booked_on = EXCLUDED.last_booked_on,
         oldest_open_due_on = EXCLUDED.oldest_open_due_on, building_id = EXCLUDED.building_id, updated_at = now();
     END $$`,
  ],
  [`CREATE OR REPLACE FUNCTION${RECOMPUTE_POSITIONS_V1}`],
);
