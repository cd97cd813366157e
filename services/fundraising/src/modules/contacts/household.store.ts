import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { isUuid, notFound } from '@commonhold/kit';
import { householdNames, type NamingMember } from './household-naming';

export interface HouseholdRow {
  id: string;
  name: string;
  formal_greeting: string;
  informal_greeting: string;
  name_overridden: boolean;
}

/** Names of a household with no one left in it (no personal data). */
export const EMPTY_HOUSEHOLD = { name: 'Empty Household', formalGreeting: '', informalGreeting: '' };

/** Members that count for naming and `Household.members`: not merged away, not erased; in join order proxy (created_at, id). */
export const MEMBERS_SQL = `SELECT * FROM contacts WHERE household_id = $1 AND merged_into_id IS NULL AND erased_at IS NULL ORDER BY created_at, id`;

/** Creates a household named after its first member. */
export async function createHousehold(m: EntityManager, tenantId: string, first: NamingMember): Promise<string> {
  const id = randomUUID();
  const names = householdNames([first])!;
  await m.query(`INSERT INTO households (id, tenant_id, name, formal_greeting, informal_greeting) VALUES ($1, $2, $3, $4, $5)`, [
    id,
    tenantId,
    names.name,
    names.formalGreeting,
    names.informalGreeting,
  ]);
  return id;
}

/** Loads (and by default locks) a household of the caller's tenant (NOT_FOUND names `field`). */
export async function lockHousehold(m: EntityManager, field: string, id: unknown, opts: { lock?: boolean } = {}): Promise<HouseholdRow> {
  if (!isUuid(id)) throw notFound(field, `No household ${String(id)}`);
  const [row] = await m.query(`SELECT * FROM households WHERE id = $1${opts.lock === false ? '' : ' FOR UPDATE'}`, [id]);
  if (!row) throw notFound(field, `No household ${id}`);
  return row;
}

/** Locks households in id order (contacts are always locked before households), so concurrent moves cannot deadlock. */
export async function lockHouseholds(m: EntityManager, ids: (string | null)[]): Promise<void> {
  const sorted = [...new Set(ids.filter((h): h is string => !!h))].sort();
  if (sorted.length) await m.query(`SELECT id FROM households WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [sorted]);
}

/**
 * Re-derives a household's name and greetings from its current members, unless they were set by
 * hand (`name_overridden`). A household left without members gets neutral names; with
 * `forget: true` (a member was erased) that happens even to overridden names, which may hold the
 * erased person's name.
 */
export async function refreshHouseholdNames(m: EntityManager, householdId: string | null, opts: { forget?: boolean } = {}): Promise<void> {
  if (!householdId) return;
  const [h]: HouseholdRow[] = await m.query(`SELECT * FROM households WHERE id = $1 FOR UPDATE`, [householdId]);
  if (!h) return;
  const members: { title: string | null; first_name: string | null; last_name: string; exclude_from_household_name: boolean }[] = await m.query(MEMBERS_SQL, [householdId]);
  if (h.name_overridden && !(members.length === 0 && opts.forget)) return;
  const names =
    householdNames(
      members.map((r) => ({ title: r.title, firstName: r.first_name, lastName: r.last_name, excludeFromHouseholdName: r.exclude_from_household_name })),
    ) ?? EMPTY_HOUSEHOLD;
  await m.query(
    `UPDATE households SET name = $2, formal_greeting = $3, informal_greeting = $4, name_overridden = name_overridden AND $5, updated_at = now() WHERE id = $1`,
    [householdId, names.name, names.formalGreeting, names.informalGreeting, members.length > 0],
  );
}
