import type { EntityManager } from 'typeorm';
import { loadSettings } from '../../shared/settings.store';

/**
 * Set-based recomputation of giving rollups from gifts: the reference the incremental consumer is
 * held to (`rebuildRollups` must equal what the events built). Rules:
 * - a gift counts when it is not a PLEDGE and its net (amount - refunded) is positive;
 * - first/last gift: earliest/latest `received_at`, ties broken by gift id;
 * - fiscal year N runs from the 1st of the tenant's start month in year N (UTC);
 * - a soft credit counts min(soft credit, gift net); a household counts each outside gift once
 *   (the largest of its members' soft credits on it) and never its own members' gifts.
 */
const RECOMPUTE_SQL = `
WITH subject_contacts AS (SELECT DISTINCT unnest($1::uuid[]) AS id),
subject_households AS (SELECT DISTINCT unnest($3::uuid[]) AS id),
-- Sets, not arrays: "x = ANY(array)" on a scan is a linear search per row (quadratic for an import chunk).
members AS (
  SELECT c.id, c.household_id FROM contacts c WHERE c.id IN (SELECT id FROM subject_contacts)
  UNION
  SELECT c.id, c.household_id FROM contacts c WHERE c.household_id IN (SELECT id FROM subject_households)
),
relevant AS (
  -- Only the gifts these subjects can see: their own and their members', and gifts soft-crediting them.
  SELECT g.id FROM gifts g WHERE g.contact_id IN (SELECT id FROM members)
  UNION
  SELECT sc.gift_id FROM soft_credits sc WHERE sc.contact_id IN (SELECT id FROM members)
),
counted AS (
  SELECT g.id, g.contact_id, d.household_id AS donor_household, g.currency, (g.amount_minor - g.refunded_minor) AS net, g.received_at,
         extract(year FROM (g.received_at AT TIME ZONE 'UTC') - make_interval(months => $2::int - 1))::int AS fy
  FROM gifts g JOIN contacts d ON d.id = g.contact_id
  WHERE g.id IN (SELECT id FROM relevant) AND g.kind <> 'PLEDGE' AND g.refunded_minor < g.amount_minor
),
subject_gifts AS (
  SELECT 'CONTACT'::text AS subject_type, g.contact_id AS subject_id, g.id, g.currency, g.net, g.received_at, g.fy
  FROM counted g WHERE g.contact_id IN (SELECT id FROM subject_contacts)
  UNION ALL
  SELECT 'HOUSEHOLD', g.donor_household, g.id, g.currency, g.net, g.received_at, g.fy
  FROM counted g WHERE g.donor_household IN (SELECT id FROM subject_households)
),
subject_soft AS (
  SELECT 'CONTACT'::text AS subject_type, sc.contact_id AS subject_id, g.currency, sum(least(sc.amount_minor, g.net)) AS amount
  FROM soft_credits sc JOIN counted g ON g.id = sc.gift_id
  WHERE sc.contact_id IN (SELECT id FROM subject_contacts)
  GROUP BY 1, 2, 3
  UNION ALL
  SELECT 'HOUSEHOLD', household_id, currency, sum(amount) FROM (
    SELECT m.household_id, g.currency, g.id, max(least(sc.amount_minor, g.net)) AS amount
    FROM soft_credits sc JOIN counted g ON g.id = sc.gift_id JOIN members m ON m.id = sc.contact_id
    WHERE m.household_id IN (SELECT id FROM subject_households) AND g.donor_household IS DISTINCT FROM m.household_id
    GROUP BY 1, 2, 3
  ) per_gift GROUP BY 1, 2, 3
),
agg AS (
  SELECT subject_type, subject_id, currency, sum(net) AS total, count(*) AS cnt, min(net) AS smallest, max(net) AS largest,
         (array_agg(received_at ORDER BY received_at, id))[1] AS first_at, (array_agg(net ORDER BY received_at, id))[1] AS first_minor,
         (array_agg(received_at ORDER BY received_at DESC, id DESC))[1] AS last_at, (array_agg(net ORDER BY received_at DESC, id DESC))[1] AS last_minor
  FROM subject_gifts GROUP BY 1, 2, 3
),
years AS (
  SELECT subject_type, subject_id, currency, jsonb_object_agg(fy::text, total) AS by_fy
  FROM (SELECT subject_type, subject_id, currency, fy, sum(net) AS total FROM subject_gifts GROUP BY 1, 2, 3, 4) y
  GROUP BY 1, 2, 3
)
INSERT INTO giving_rollups (tenant_id, subject_type, subject_id, currency, total_minor, gift_count, smallest_minor, largest_minor,
                            first_gift_at, first_gift_minor, last_gift_at, last_gift_minor, by_fiscal_year, soft_credit_minor, updated_at)
SELECT $4, coalesce(a.subject_type, s.subject_type), coalesce(a.subject_id, s.subject_id), coalesce(a.currency, s.currency),
       coalesce(a.total, 0), coalesce(a.cnt, 0), a.smallest, a.largest, a.first_at, a.first_minor, a.last_at, a.last_minor,
       coalesce(y.by_fy, '{}'::jsonb), coalesce(s.amount, 0), now()
FROM agg a
LEFT JOIN years y USING (subject_type, subject_id, currency)
FULL OUTER JOIN subject_soft s ON s.subject_type = a.subject_type AND s.subject_id = a.subject_id AND s.currency = a.currency
`;

export interface RecomputeScope {
  contactIds: string[];
  /** Households to recompute besides those the contacts belong to now (e.g. a household a contact just left). */
  householdIds?: string[];
}

/**
 * Recomputes the rollups of these contacts and their households from gifts (idempotent and
 * deterministic: the same gifts always give the same rows, whatever order events arrive in), and
 * marks their gifts and refunds as rolled up (`rolled_up`: "reflected in rollups at least once",
 * which tells an operator which gifts still wait for the consumer).
 */
export async function recomputeRollups(m: EntityManager, tenantId: string, scope: RecomputeScope): Promise<void> {
  const contactIds = [...new Set(scope.contactIds)].sort();
  if (!contactIds.length && !scope.householdIds?.length) return;
  // FOR NO KEY UPDATE: serialises recomputes, yet lets a gift being written for the contact take its
  // foreign-key share lock (FOR UPDATE would deadlock with a pledge payment locking its pledge).
  const locked: { household_id: string | null }[] = await m.query(`SELECT household_id FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`, [contactIds]);
  const householdIds = [...new Set([...(scope.householdIds ?? []), ...locked.map((r) => r.household_id).filter((h): h is string => !!h)])].sort();
  // Two members' events recompute their shared household: serialise on it (contacts first, then
  // households, each in id order, so no two recomputes can deadlock).
  if (householdIds.length) await m.query(`SELECT 1 FROM households WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`, [householdIds]);
  const { fiscalYearStartMonth } = await loadSettings(m);
  await m.query(
    `DELETE FROM giving_rollups WHERE (subject_type = 'CONTACT' AND subject_id IN (SELECT unnest($1::uuid[]))) OR (subject_type = 'HOUSEHOLD' AND subject_id IN (SELECT unnest($2::uuid[])))`,
    [contactIds, householdIds],
  );
  await m.query(RECOMPUTE_SQL, [contactIds, fiscalYearStartMonth, householdIds, tenantId]);
  await m.query(`UPDATE gifts SET rolled_up = true WHERE tenant_id = $2 AND contact_id IN (SELECT unnest($1::uuid[])) AND NOT rolled_up`, [contactIds, tenantId]);
  await m.query(
    `UPDATE gift_refunds r SET rolled_up = true FROM gifts g WHERE r.tenant_id = $2 AND g.id = r.gift_id AND g.contact_id IN (SELECT unnest($1::uuid[])) AND NOT r.rolled_up`,
    [contactIds, tenantId],
  );
}

/** Recomputes every rollup of the tenant (what `rebuildRollups` and a fiscal-year change run). */
export async function recomputeAllRollups(m: EntityManager, tenantId: string): Promise<{ contacts: number; households: number }> {
  const contacts: { id: string }[] = await m.query(`SELECT id FROM contacts ORDER BY id`);
  const households: { id: string }[] = await m.query(`SELECT id FROM households ORDER BY id`);
  await m.query(`DELETE FROM giving_rollups`);
  await recomputeRollups(m, tenantId, { contactIds: contacts.map((c) => c.id), householdIds: households.map((h) => h.id) });
  return { contacts: contacts.length, households: households.length };
}
