import { sqlMigration, tenantRlsSql } from '@commonhold/kit';

/**
 * Monthly pre-aggregates for the fundraising dashboard, kept by statement-level triggers on
 * `gifts` and `gift_allocations` (set-based: one import chunk is one delta per month and key).
 * A gift counts when it is not a PLEDGE and its net (amount - refunded) is positive; an
 * allocation counts `amount × net / gift amount` (rounded down), as the dashboard always did. The
 * nil UUID stands for "no campaign/appeal". Whole months are read from here, a range's edge days
 * from gifts (docs/fundraising/dashboard.md). Triggers run as the caller, so RLS applies to them.
 */
const NIL = `'00000000-0000-0000-0000-000000000000'::uuid`;
const MONTH = `(date_trunc('month', received_at AT TIME ZONE 'UTC'))::date`;
const COUNTED = `kind <> 'PLEDGE' AND refunded_minor < amount_minor`;

/**
 * Deltas of gift rows (`sign` +1 new, -1 old) into the aggregates. Fund shares only for updates
 * and deletes: a new gift's allocations are counted by the allocations trigger (they are written
 * after the gift, by the next statement or later in the same one).
 */
const applyDeltas = (source: string, funds: boolean) => `
  INSERT INTO gift_month_totals AS t (tenant_id, currency, month, campaign_id, appeal_id, net_minor, gift_count, unallocated_count)
  SELECT tenant_id, currency, month, campaign_id, appeal_id, sum(sign * net), sum(sign), sum(sign * unallocated)
  FROM (${source}) d
  GROUP BY 1, 2, 3, 4, 5
  HAVING sum(sign * net) <> 0 OR sum(sign) <> 0 OR sum(sign * unallocated) <> 0
  ON CONFLICT (tenant_id, currency, month, campaign_id, appeal_id) DO UPDATE
    SET net_minor = t.net_minor + excluded.net_minor, gift_count = t.gift_count + excluded.gift_count,
        unallocated_count = t.unallocated_count + excluded.unallocated_count;
${funds ? `
  INSERT INTO gift_month_fund_totals AS t (tenant_id, currency, month, fund_id, net_minor, allocation_count)
  SELECT d.tenant_id, d.currency, d.month, a.fund_id, sum(d.sign * (a.amount_minor * d.net / d.amount_minor)), sum(d.sign)
  FROM (${source}) d JOIN gift_allocations a ON a.gift_id = d.id
  GROUP BY 1, 2, 3, 4
  HAVING sum(d.sign * (a.amount_minor * d.net / d.amount_minor)) <> 0 OR sum(d.sign) <> 0
  ON CONFLICT (tenant_id, currency, month, fund_id) DO UPDATE
    SET net_minor = t.net_minor + excluded.net_minor, allocation_count = t.allocation_count + excluded.allocation_count;` : ''}`;

/** Gift rows as deltas; a new gift starts unallocated (its first allocations take it out). */
const giftRows = (table: string, sign: number, isNew = false) => `
  SELECT id, tenant_id, currency, ${MONTH} AS month, coalesce(campaign_id, ${NIL}) AS campaign_id, coalesce(appeal_id, ${NIL}) AS appeal_id,
         amount_minor, amount_minor - refunded_minor AS net, ${sign} AS sign,
         ${isNew ? '1' : `CASE WHEN EXISTS (SELECT 1 FROM gift_allocations a WHERE a.gift_id = ${table}.id) THEN 0 ELSE 1 END`} AS unallocated
  FROM ${table} WHERE ${COUNTED}`;

export const DashboardAggregates1763800000600 = sqlMigration(
  'DashboardAggregates1763800000600',
  [
    `CREATE TABLE gift_month_totals (
      tenant_id text NOT NULL,
      currency char(3) NOT NULL,
      month date NOT NULL,
      campaign_id uuid NOT NULL,
      appeal_id uuid NOT NULL,
      net_minor bigint NOT NULL,
      gift_count int NOT NULL,
      unallocated_count int NOT NULL,
      PRIMARY KEY (tenant_id, currency, month, campaign_id, appeal_id)
    )`,
    ...tenantRlsSql('gift_month_totals'),
    `CREATE TABLE gift_month_fund_totals (
      tenant_id text NOT NULL,
      currency char(3) NOT NULL,
      month date NOT NULL,
      fund_id uuid NOT NULL,
      net_minor bigint NOT NULL,
      allocation_count int NOT NULL,
      PRIMARY KEY (tenant_id, currency, month, fund_id)
    )`,
    ...tenantRlsSql('gift_month_fund_totals'),

    `CREATE FUNCTION gifts_month_totals_insert() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN ${applyDeltas(giftRows('new_rows', 1, true), false)}
       RETURN NULL;
     END $$`,
    `CREATE FUNCTION gifts_month_totals_update() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN ${applyDeltas(`${giftRows('new_rows', 1)} UNION ALL ${giftRows('old_rows', -1)}`, true)}
       RETURN NULL;
     END $$`,
    `CREATE FUNCTION gifts_month_totals_delete() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN ${applyDeltas(giftRows('old_rows', -1), true)}
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER gifts_month_totals_insert AFTER INSERT ON gifts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gifts_month_totals_insert()`,
    `CREATE TRIGGER gifts_month_totals_update AFTER UPDATE ON gifts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gifts_month_totals_update()`,
    `CREATE TRIGGER gifts_month_totals_delete AFTER DELETE ON gifts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gifts_month_totals_delete()`,

    // New allocations of counted gifts: add their share per fund, and take their gifts out of the
    // unallocated count (all of a gift's allocations arrive in one statement, at creation).
    `CREATE FUNCTION gift_allocations_month_totals_insert() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       INSERT INTO gift_month_fund_totals AS t (tenant_id, currency, month, fund_id, net_minor, allocation_count)
       SELECT g.tenant_id, g.currency, (date_trunc('month', g.received_at AT TIME ZONE 'UTC'))::date, n.fund_id,
              sum(n.amount_minor * (g.amount_minor - g.refunded_minor) / g.amount_minor), count(*)
       FROM new_rows n JOIN gifts g ON g.id = n.gift_id
       WHERE g.kind <> 'PLEDGE' AND g.refunded_minor < g.amount_minor
       GROUP BY 1, 2, 3, 4
       ON CONFLICT (tenant_id, currency, month, fund_id) DO UPDATE
         SET net_minor = t.net_minor + excluded.net_minor, allocation_count = t.allocation_count + excluded.allocation_count;

       -- A gift's allocations are all written by one statement, when the gift is recorded
       -- (recordGift and the import both do): each gift here leaves the unallocated count once.
       -- (A per-gift "was it unallocated before?" lookup would be quadratic on an import chunk
       -- whose rows have no planner statistics yet.)
       UPDATE gift_month_totals t SET unallocated_count = t.unallocated_count - d.n
       FROM (
         SELECT g.tenant_id, g.currency, (date_trunc('month', g.received_at AT TIME ZONE 'UTC'))::date AS month,
                coalesce(g.campaign_id, ${NIL}) AS campaign_id, coalesce(g.appeal_id, ${NIL}) AS appeal_id, count(*) AS n
         FROM gifts g
         WHERE g.id IN (SELECT DISTINCT gift_id FROM new_rows) AND g.kind <> 'PLEDGE' AND g.refunded_minor < g.amount_minor
         GROUP BY 1, 2, 3, 4, 5
       ) d
       WHERE t.tenant_id = d.tenant_id AND t.currency = d.currency AND t.month = d.month AND t.campaign_id = d.campaign_id AND t.appeal_id = d.appeal_id;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER gift_allocations_month_totals_insert AFTER INSERT ON gift_allocations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gift_allocations_month_totals_insert()`,

    // Gifts already recorded before this migration.
    `INSERT INTO gift_month_totals (tenant_id, currency, month, campaign_id, appeal_id, net_minor, gift_count, unallocated_count)
     SELECT tenant_id, currency, month, campaign_id, appeal_id, sum(net), count(*), sum(unallocated)
     FROM (${giftRows('gifts', 1)}) d GROUP BY 1, 2, 3, 4, 5`,
    `INSERT INTO gift_month_fund_totals (tenant_id, currency, month, fund_id, net_minor, allocation_count)
     SELECT d.tenant_id, d.currency, d.month, a.fund_id, sum(a.amount_minor * d.net / d.amount_minor), count(*)
     FROM (${giftRows('gifts', 1)}) d JOIN gift_allocations a ON a.gift_id = d.id GROUP BY 1, 2, 3, 4`,
  ],
  [
    'DROP TRIGGER gift_allocations_month_totals_insert ON gift_allocations',
    'DROP FUNCTION gift_allocations_month_totals_insert()',
    'DROP TRIGGER gifts_month_totals_delete ON gifts',
    'DROP TRIGGER gifts_month_totals_update ON gifts',
    'DROP TRIGGER gifts_month_totals_insert ON gifts',
    'DROP FUNCTION gifts_month_totals_delete()',
    'DROP FUNCTION gifts_month_totals_update()',
    'DROP FUNCTION gifts_month_totals_insert()',
    'DROP TABLE gift_month_fund_totals',
    'DROP TABLE gift_month_totals',
  ],
);
