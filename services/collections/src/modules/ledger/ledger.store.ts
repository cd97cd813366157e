import type { EntityManager } from 'typeorm';
import { keysetPage, type PageArgs } from '@commonhold/kit';
import type { Aging, LedgerEntry } from './ledger';

/** Reads and appends of the ledger; row-level security scopes every query to the caller's tenant. */

export interface EntryRow extends LedgerEntry {
  tenantId?: string;
  buildingId: string;
  apartmentId: string;
  currency: string;
  description: string | null;
  source: string | null;
  sourceRef: string | null;
  createdBy: string;
  createdAt: Date;
}

const ENTRY_COLUMNS = `id, seq::float8 AS seq, kind, subtype, amount_minor::float8 AS "amountMinor", to_char(booked_on, 'YYYY-MM-DD') AS "bookedOn",
  to_char(due_on, 'YYYY-MM-DD') AS "dueOn", reverses_id AS "reversesId", building_id AS "buildingId", apartment_id AS "apartmentId", currency,
  description, source, source_ref AS "sourceRef", created_by AS "createdBy", created_at AS "createdAt"`;

export interface NewEntry {
  id: string;
  buildingId: string;
  apartmentId: string;
  kind: LedgerEntry['kind'];
  subtype: string;
  amountMinor: number;
  currency: string;
  bookedOn: string;
  dueOn: string | null;
  reversesId: string | null;
  description: string | null;
  source: string | null;
  sourceRef: string | null;
  createdBy: string;
}

export async function appendEntry(m: EntityManager, tenantId: string, e: NewEntry): Promise<void> {
  await m.query(
    `INSERT INTO ledger_entries (id, tenant_id, building_id, apartment_id, kind, subtype, amount_minor, currency, booked_on, due_on, reverses_id, description, source, source_ref, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [e.id, tenantId, e.buildingId, e.apartmentId, e.kind, e.subtype, e.amountMinor, e.currency, e.bookedOn, e.dueOn, e.reversesId, e.description, e.source, e.sourceRef, e.createdBy],
  );
}

export async function findEntry(m: EntityManager, tenantId: string, id: string): Promise<EntryRow | null> {
  return (await m.query(`SELECT ${ENTRY_COLUMNS} FROM ledger_entries WHERE tenant_id = $1 AND id = $2`, [tenantId, id]))[0] ?? null;
}

export async function findEntries(m: EntityManager, tenantId: string, ids: readonly string[]): Promise<EntryRow[]> {
  return m.query(`SELECT ${ENTRY_COLUMNS} FROM ledger_entries WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, ids]);
}

export async function isReversed(m: EntityManager, tenantId: string, id: string): Promise<boolean> {
  return (await m.query(`SELECT 1 FROM ledger_entries WHERE tenant_id = $1 AND reverses_id = $2`, [tenantId, id])).length > 0;
}

/** Every entry of an apartment, in posting order (what `position` needs). */
export async function entriesOfApartment(m: EntityManager, tenantId: string, apartmentId: string): Promise<EntryRow[]> {
  return m.query(`SELECT ${ENTRY_COLUMNS} FROM ledger_entries WHERE tenant_id = $1 AND apartment_id = $2 ORDER BY seq`, [tenantId, apartmentId]);
}

/** An apartment's entries, newest posting first. */
export function pageEntries(m: EntityManager, tenantId: string, apartmentId: string, args: PageArgs) {
  return keysetPage<EntryRow>(args, { shape: ['int'], cursorOf: (r) => [r.seq] }, ({ after, take }) =>
    m.query(
      `SELECT ${ENTRY_COLUMNS} FROM ledger_entries WHERE tenant_id = $1 AND apartment_id = $2 AND ($3::bigint IS NULL OR seq < $3) ORDER BY seq DESC LIMIT $4`,
      [tenantId, apartmentId, after?.[0] ?? null, take],
    ),
  );
}

/**
 * Balance and aging per apartment as of a date, set-based: the same rule as `position()` —
 * entries booked by `asOf`, reversed pairs removed, all credits of an apartment filling its debits
 * in order of due date then posting order — computed with window sums instead of a loop.
 * `$1` tenant, `$2` asOf (date), `$3` building id or null, `$4` apartment ids or null.
 */
export const AGING_SQL = agingSql('$4');

/** `AGING_SQL` with the apartment-id filter bound to another parameter (`ids`, a uuid[] or null). */
function agingSql(ids: string): string {
  return `
  WITH booked AS (
    SELECT id, apartment_id, building_id, kind, amount_minor, due_on, seq, reverses_id
    FROM ledger_entries
    WHERE tenant_id = $1 AND booked_on <= $2::date
      AND ($3::uuid IS NULL OR building_id = $3) AND (${ids}::uuid[] IS NULL OR apartment_id = ANY(${ids}))
  ),
  -- Whether an entry was reversed by asOf is one probe of the unique index on reverses_id. (Anti-joining
  -- the materialised CTE with itself was planned as a nested loop: quadratic in the entries.)
  live AS (
    SELECT b.* FROM booked b
    WHERE b.kind <> 'reversal'
      AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = b.id AND r.tenant_id = $1 AND r.booked_on <= $2::date)
  ),
  credits AS (SELECT apartment_id, -sum(amount_minor) AS paid FROM live WHERE amount_minor < 0 GROUP BY apartment_id),
  debits AS (
    SELECT apartment_id, amount_minor, due_on,
           sum(amount_minor) OVER (PARTITION BY apartment_id ORDER BY due_on, seq) AS running
    FROM live WHERE amount_minor > 0
  ),
  open AS (
    SELECT d.apartment_id, d.due_on, GREATEST(0, LEAST(d.amount_minor, d.running - COALESCE(c.paid, 0))) AS open_minor
    FROM debits d LEFT JOIN credits c USING (apartment_id)
  ),
  totals AS (SELECT apartment_id, building_id, sum(amount_minor) AS balance FROM live GROUP BY apartment_id, building_id)
  SELECT t.apartment_id AS "apartmentId", t.building_id AS "buildingId", t.balance::float8 AS "balanceMinor",
    COALESCE(sum(o.open_minor) FILTER (WHERE $2::date - o.due_on <= 0), 0)::float8 AS "notDue",
    COALESCE(sum(o.open_minor) FILTER (WHERE $2::date - o.due_on BETWEEN 1 AND 30), 0)::float8 AS "d0_30",
    COALESCE(sum(o.open_minor) FILTER (WHERE $2::date - o.due_on BETWEEN 31 AND 60), 0)::float8 AS "d31_60",
    COALESCE(sum(o.open_minor) FILTER (WHERE $2::date - o.due_on BETWEEN 61 AND 90), 0)::float8 AS "d61_90",
    COALESCE(sum(o.open_minor) FILTER (WHERE $2::date - o.due_on > 90), 0)::float8 AS "d90Plus",
    COALESCE(max($2::date - o.due_on) FILTER (WHERE o.open_minor > 0 AND $2::date - o.due_on > 0), 0) AS "oldestDaysPastDue"
  FROM totals t LEFT JOIN open o USING (apartment_id)
  GROUP BY t.apartment_id, t.building_id, t.balance`;
}

/**
 * The same rows as `AGING_SQL`, read from the maintained positions (`positions.migration.ts`):
 * apartments whose latest booking is on or before `asOf` age their stored open debits on `asOf`;
 * the others (`$5`, a uuid[] from `staleApartments`, usually empty) go through `AGING_SQL`.
 * `$1` tenant, `$2` asOf, `$3` building id or null, `$4` apartment ids or null, `$5` stale apartment ids.
 */
export const POSITIONS_AGING_SQL = `${freshSql()}
  UNION ALL
  SELECT * FROM (${agingSql('$5')}) stale`;

/** The first branch of `POSITIONS_AGING_SQL`: apartments whose latest booking is on or before `$2`, from their positions. */
function freshSql(): string {
  return `
  SELECT p.apartment_id AS "apartmentId", p.building_id AS "buildingId", p.balance_minor::float8 AS "balanceMinor",
    COALESCE(sum(o.open_minor) FILTER (WHERE $2::date - o.due_on <= 0), 0)::float8 AS "notDue",
    COALESCE(sum(o.open_minor) FILTER (WHERE $2::date - o.due_on BETWEEN 1 AND 30), 0)::float8 AS "d0_30",
    COALESCE(sum(o.open_minor) FILTER (WHERE $2::date - o.due_on BETWEEN 31 AND 60), 0)::float8 AS "d31_60",
    COALESCE(sum(o.open_minor) FILTER (WHERE $2::date - o.due_on BETWEEN 61 AND 90), 0)::float8 AS "d61_90",
    COALESCE(sum(o.open_minor) FILTER (WHERE $2::date - o.due_on > 90), 0)::float8 AS "d90Plus",
    GREATEST(0, COALESCE($2::date - p.oldest_open_due_on, 0)) AS "oldestDaysPastDue"
  FROM apartment_positions p LEFT JOIN apartment_open_debits o ON o.apartment_id = p.apartment_id AND o.tenant_id = $1
  WHERE p.tenant_id = $1 AND p.last_booked_on <= $2::date
    AND ($3::uuid IS NULL OR p.building_id = $3) AND ($4::uuid[] IS NULL OR p.apartment_id = ANY($4))
  GROUP BY p.apartment_id, p.building_id, p.balance_minor, p.oldest_open_due_on`;
}
const FRESH_SQL = freshSql();

/** Apartments (of the filter) booked after `asOf`: their position on `asOf` needs the full computation. */
export async function staleApartments(m: EntityManager, tenantId: string, asOf: string, filter: { buildingId?: string | null; apartmentIds?: readonly string[] | null }): Promise<string[]> {
  const [r] = await m.query(
    `SELECT COALESCE(array_agg(apartment_id), '{}') AS ids FROM apartment_positions
     WHERE tenant_id = $1 AND last_booked_on > $2::date AND ($3::uuid IS NULL OR building_id = $3) AND ($4::uuid[] IS NULL OR apartment_id = ANY($4))`,
    [tenantId, asOf, filter.buildingId ?? null, filter.apartmentIds ?? null],
  );
  return r.ids;
}

export interface AgingRow extends Aging {
  apartmentId: string;
  buildingId: string;
  balanceMinor: number;
  oldestDaysPastDue: number;
}

/** Balance and aging per apartment on `asOf` (the rows of `AGING_SQL`), from the maintained positions. */
export async function agingRows(m: EntityManager, tenantId: string, asOf: string, filter: { buildingId?: string; apartmentIds?: readonly string[] }): Promise<AgingRow[]> {
  const stale = await staleApartments(m, tenantId, asOf, filter);
  // A whole building on a past date: the full computation for the building, as one query.
  if (stale.length && filter.buildingId && !filter.apartmentIds) return m.query(AGING_SQL, [tenantId, asOf, filter.buildingId, null]);
  const fresh: AgingRow[] = await m.query(FRESH_SQL, [tenantId, asOf, filter.buildingId ?? null, filter.apartmentIds ?? null]);
  // Apartments booked after asOf: the full computation, restricted to them.
  return stale.length ? [...fresh, ...(await m.query(AGING_SQL, [tenantId, asOf, filter.buildingId ?? null, stale]))] : fresh;
}

/** Sum of an apartment's entries booked before `date` (a statement's opening balance). */
export async function balanceBefore(m: EntityManager, tenantId: string, apartmentId: string, date: string): Promise<number> {
  const [r] = await m.query(`SELECT COALESCE(sum(amount_minor), 0)::float8 AS b FROM ledger_entries WHERE tenant_id = $1 AND apartment_id = $2 AND booked_on < $3::date`, [
    tenantId,
    apartmentId,
    date,
  ]);
  return r.b;
}

/** An apartment's entries booked in [from, to], in booking then posting order. */
export async function entriesBetween(m: EntityManager, tenantId: string, apartmentId: string, from: string, to: string): Promise<EntryRow[]> {
  return m.query(
    `SELECT ${ENTRY_COLUMNS} FROM ledger_entries WHERE tenant_id = $1 AND apartment_id = $2 AND booked_on BETWEEN $3::date AND $4::date ORDER BY booked_on, seq`,
    [tenantId, apartmentId, from, to],
  );
}
