import { scopeRlsSql, sqlMigration, tenantRlsSql } from '@commonhold/kit';

/**
 * The first `recompute_apartment_positions` (after `CREATE [OR REPLACE] FUNCTION`): its joins with
 * `unnest(ids)` may be planned as a scan of the tenant's whole ledger; replaced by
 * `PositionsByApartmentIndex1796495272000`, whose `down` restores this text.
 */
export const RECOMPUTE_POSITIONS_V1 = ` recompute_apartment_positions(tenant text, ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
     DECLARE
       open_apartments uuid[];
       open_dues date[];
     BEGIN
       PERFORM pg_advisory_xact_lock(hashtextextended('apartment-position:' || a::text, 0)) FROM (SELECT DISTINCT unnest(ids) AS a ORDER BY 1) s;
       SELECT array_agg(o.apartment_id), array_agg(o.due_on) INTO open_apartments, open_dues FROM apartment_open_debits o JOIN unnest(ids) AS i(id) ON i.id = o.apartment_id WHERE o.tenant_id = tenant;
       DELETE FROM apartment_open_debits o USING unnest(ids) AS i(id) WHERE o.apartment_id = i.id AND o.tenant_id = tenant;
       -- One sort per apartment, no join (plans stay linear before the table has statistics): the running
       -- sum of debits by due date then posting order against all of the apartment's credits.
       INSERT INTO apartment_open_debits (apartment_id, due_on, tenant_id, building_id, open_minor)
       SELECT x.apartment_id, x.due_on, min(x.tenant_id), min(x.building_id::text)::uuid, sum(GREATEST(0, LEAST(x.amount_minor, x.running - x.paid)))
       FROM (
         SELECT e.tenant_id, e.building_id, e.apartment_id, e.amount_minor, e.due_on,
                sum(GREATEST(e.amount_minor, 0)) OVER (PARTITION BY e.apartment_id ORDER BY e.amount_minor > 0 DESC, e.due_on, e.seq) AS running,
                sum(GREATEST(-e.amount_minor, 0)) OVER (PARTITION BY e.apartment_id) AS paid
         FROM ledger_entries e JOIN unnest(ids) AS i(id) ON i.id = e.apartment_id
         WHERE e.tenant_id = tenant AND e.kind <> 'reversal' AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)
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
       FROM ledger_entries e JOIN unnest(ids) AS i(id) ON i.id = e.apartment_id WHERE e.tenant_id = tenant
       GROUP BY e.apartment_id
       ON CONFLICT (apartment_id) DO UPDATE SET balance_minor = EXCLUDED.balance_minor, last_booked_on = EXCLUDED.last_booked_on,
         oldest_open_due_on = EXCLUDED.oldest_open_due_on, building_id = EXCLUDED.building_id, updated_at = now();
     END $$`;

/**
 * The maintained position of every apartment with ledger entries: its balance, the date of its
 * latest booking, and what stays open of its debits per due date after allocation — over ALL its
 * entries (reversed pairs removed, credits filling debits by due date then posting order: the rule of
 * `position()` and `AGING_SQL`). A read on a date on or after an apartment's latest booking ages
 * these open amounts on that date instead of re-allocating the ledger (`positionsAgingSql`); a read
 * on an earlier date falls back to `AGING_SQL` for that apartment.
 *
 * An AFTER INSERT statement trigger on `ledger_entries` recomputes the positions of the apartments
 * the statement touched, set-based (one posting, a bulk `INSERT … SELECT` or a seed of 500,000 rows
 * alike), inside the posting's transaction. It first takes a transaction advisory lock per apartment
 * (in apartment order) so two concurrent postings to one apartment recompute one after the other,
 * the second seeing the first's committed entries (READ COMMITTED: each statement a new snapshot).
 * Entries are never updated or deleted (the append-only trigger), so inserts are the only change.
 */
export const CreateApartmentPositions1796495271800 = sqlMigration(
  'CreateApartmentPositions1796495271800',
  [
    `CREATE TABLE apartment_positions (
      apartment_id uuid PRIMARY KEY REFERENCES apartments (id),
      tenant_id text NOT NULL,
      building_id uuid NOT NULL REFERENCES buildings (id),
      balance_minor bigint NOT NULL,
      last_booked_on date NOT NULL,
      oldest_open_due_on date,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX apartment_positions_building ON apartment_positions (tenant_id, building_id)',
    // The queue: apartments in arrears by their oldest open due date (= most days past due first).
    'CREATE INDEX apartment_positions_arrears ON apartment_positions (tenant_id, oldest_open_due_on, apartment_id) WHERE oldest_open_due_on IS NOT NULL',
    ...tenantRlsSql('apartment_positions'),
    ...scopeRlsSql('apartment_positions', { building: 'building_id', apartment: 'apartment_id' }),
    `CREATE TABLE apartment_open_debits (
      apartment_id uuid NOT NULL REFERENCES apartments (id),
      due_on date NOT NULL,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL REFERENCES buildings (id),
      open_minor bigint NOT NULL CHECK (open_minor > 0),
      PRIMARY KEY (apartment_id, due_on)
    )`,
    ...tenantRlsSql('apartment_open_debits'),
    ...scopeRlsSql('apartment_open_debits', { building: 'building_id', apartment: 'apartment_id' }),
    // Debits a payment closed (time to collect, read by the KPI pass: `observed_at` once counted).
    `CREATE TABLE collected_debits (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      tenant_id text NOT NULL,
      building_id uuid NOT NULL,
      apartment_id uuid NOT NULL,
      due_on date NOT NULL,
      collected_on date NOT NULL,
      method text NOT NULL,
      observed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX collected_debits_unobserved ON collected_debits (tenant_id, id) WHERE observed_at IS NULL',
    ...tenantRlsSql('collected_debits'),
    ...scopeRlsSql('collected_debits', { building: 'building_id', apartment: 'apartment_id' }),
    `CREATE FUNCTION${RECOMPUTE_POSITIONS_V1}`,
    `CREATE FUNCTION ledger_entries_recompute_positions() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM recompute_apartment_positions(tenant_id, array_agg(DISTINCT apartment_id)) FROM changed GROUP BY tenant_id;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER ledger_entries_positions AFTER INSERT ON ledger_entries REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_recompute_positions()`,
    // Entries posted before this migration (visible to a migration role that bypasses row-level security).
    `SELECT recompute_apartment_positions(tenant_id, array_agg(DISTINCT apartment_id)) FROM ledger_entries GROUP BY tenant_id`,
  ],
  [
    'DROP TRIGGER ledger_entries_positions ON ledger_entries',
    'DROP FUNCTION ledger_entries_recompute_positions()',
    'DROP FUNCTION recompute_apartment_positions(text, uuid[])',
    'DROP TABLE collected_debits',
    'DROP TABLE apartment_open_debits',
    'DROP TABLE apartment_positions',
  ],
);
