/**
 * `npm run bench -- collections`: collections' reads on a large ledger, through the gateway (the
 * embedded platform, startTestPlatform in-process), p50/p95/max against the target p95 < 100 ms.
 *
 *  1. Seeds one tenant with --buildings (default 100) × --apartments (default 100) apartments and
 *     --entries (default 500,000) ledger entries — monthly charges and part payments per apartment,
 *     set-based in SQL — then VACUUM ANALYZE.
 *  2. Checks debtReport's totals once against a plain sum of the building's entries.
 *  3. For each read, --warmup requests (default 5) then --requests (default 40), one after another:
 *     debtReport of one building (rotating), the apartment balances of one building (40 per
 *     page: the gateway's cost limit), a building's period summary, the tenant overview, the collections queue's first page.
 *     The reads ask on READ_AS_OF, the day after the latest booking (the office reads "today"): every
 *     apartment's position is then read from the maintained positions. `debtReportBeforeLatest`
 *     asks on AS_OF, before each apartment's latest payment: those fall back to the full computation.
 *  4. The set-based aging SQL over the whole tenant against the cheapest set-based read of the
 *     same rows (a per-apartment sum), both timed on the database in the same run: the ratio says
 *     what allocation and bucketing cost over just reading the ledger.
 *  5. Dunning runs over the whole tenant (a tenant default policy with a step in every bucket): a dry
 *     run, then a real run, each through the gateway (`startDunningRun`, planning in the request), timed
 *     against the tenant-wide aging SQL on the same date timed just before: `ratioSqlOverRun` = SQL time
 *     ÷ run time (target ≥ 0.25: the run costs at most four times one set-based SQL computing the same
 *     buckets). Last, because the real run's deliveries then go on in the background.
 */
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { bearer, gql } from '@commonhold/testing';
import { startTestPlatform } from '@commonhold/testing/src/platform';
import { AGING_SQL, POSITIONS_AGING_SQL } from '../services/collections/src/modules/ledger';
import { provisionInfra, log } from './src/infra';
import { machine } from './src/machine';
import { numArg, percentile, round } from './src/stats';

const TENANT = 'bench-collections';
const AS_OF = '2026-12-01';
/** The day after the latest booking (payments go three days past AS_OF). */
const READ_AS_OF = '2026-12-05';

const READS: Record<string, { query: string; vars: (i: number, buildings: string[]) => Record<string, unknown> }> = {
  debtReport: {
    query: `query($id: ID!, $asOf: Date) { debtReport(buildingId: $id, asOf: $asOf) { totals { apartments apartmentsInArrears balance { amountMinor } aging { overdue { amountMinor } } }
      rows { unit ownershipShare owners balance { amountMinor } bucket oldestDaysPastDue aging { d0_30 { amountMinor } d31_60 { amountMinor } d61_90 { amountMinor } d90Plus { amountMinor } } } } }`,
    vars: (i, b) => ({ id: b[i % b.length], asOf: READ_AS_OF }),
  },
  debtReportBeforeLatest: {
    query: `query($id: ID!, $asOf: Date) { debtReport(buildingId: $id, asOf: $asOf) { totals { apartments apartmentsInArrears balance { amountMinor } aging { overdue { amountMinor } } }
      rows { unit ownershipShare owners balance { amountMinor } bucket oldestDaysPastDue aging { d0_30 { amountMinor } d31_60 { amountMinor } d61_90 { amountMinor } d90Plus { amountMinor } } } } }`,
    vars: (i, b) => ({ id: b[i % b.length], asOf: AS_OF }),
  },
  apartmentBalances: {
    query: `query($id: ID!, $asOf: Date) { building(id: $id) { apartments(first: 40) { edges { node { unit balance(asOf: $asOf) { balance { amountMinor } bucket aging { overdue { amountMinor } } } } } } } }`,
    vars: (i, b) => ({ id: b[i % b.length], asOf: READ_AS_OF }),
  },
  buildingSummary: {
    query: `query($id: ID!) { buildingCollectionsSummary(buildingId: $id, from: "2026-01-01", to: "${READ_AS_OF}") { openingBalance { amountMinor } charged { amountMinor } collected { amountMinor } closingBalance { amountMinor } collectionRateBasisPoints aging { overdue { amountMinor } } } }`,
    vars: (i, b) => ({ id: b[i % b.length] }),
  },
  overview: {
    query: `query($asOf: Date) { collectionsOverview(asOf: $asOf) { buildings apartments apartmentsInArrears totals { balance { amountMinor } aging { overdue { amountMinor } } } } }`,
    vars: () => ({ asOf: READ_AS_OF }),
  },
  queueFirstPage: {
    query: `query($asOf: Date) { collectionsQueue(asOf: $asOf, first: 50) { edges { node { apartment { unit } balance { amountMinor } bucket status reminders reminderRetries } } pageInfo { hasNextPage } } }`,
    vars: () => ({ asOf: READ_AS_OF }),
  },
};

export async function collectionsBench(argv: string[]): Promise<Record<string, unknown>> {
  const nBuildings = numArg(argv, 'buildings', 100);
  const perBuilding = numArg(argv, 'apartments', 100);
  const entries = numArg(argv, 'entries', 500_000);
  const warmup = numArg(argv, 'warmup', 5);
  const requests = numArg(argv, 'requests', 40);
  const host = await machine(argv);
  const infra = await provisionInfra();
  const platform = await startTestPlatform({ transport: 'in-process', services: ['collections'] });
  try {
    const ownerUrl = new URL(infra.pgAdminUrl);
    ownerUrl.pathname = `/${platform.prefix}collections`;
    const db = new Client({ connectionString: ownerUrl.toString() });
    await db.connect();
    const t0 = performance.now();
    const perApartment = Math.max(2, Math.round(entries / (nBuildings * perBuilding)));
    const charges = Math.ceil(perApartment * 0.6);
    const payments = perApartment - charges;
    await db.query(
      `INSERT INTO buildings (id, tenant_id, name, address_line1, city, postcode, country, currency, shares_set_at)
       SELECT gen_random_uuid(), $1, 'Building ' || b, b || ' Bench Street', 'Bristol', 'BS1 4DJ', 'GB', 'GBP', now() FROM generate_series(1, $2) b`,
      [TENANT, nBuildings],
    );
    await db.query(
      `INSERT INTO apartments (id, tenant_id, building_id, unit, floor, ownership_share, payment_reference)
       SELECT gen_random_uuid(), $1, b.id, 'Flat ' || a, a / 10, CASE WHEN a = 1 THEN 1000 - ($2 - 1) * (1000 / $2) ELSE 1000 / $2 END,
              'BA-' || substr(md5(b.id::text || a), 1, 12)
       FROM buildings b CROSS JOIN generate_series(1, $2) a WHERE b.tenant_id = $1`,
      [TENANT, perBuilding],
    );
    // Charges monthly back from AS_OF, one payment of a charge's amount three days after each of the
    // most recent ones: allocation (oldest first) leaves the oldest charges open, every bucket filled.
    await db.query(
      `INSERT INTO ledger_entries (id, tenant_id, building_id, apartment_id, kind, subtype, amount_minor, currency, booked_on, due_on, created_by)
       SELECT gen_random_uuid(), $1, a.building_id, a.id, 'charge', 'recurring', 15000 + (abs(hashtext(a.id::text)) % 5000),
              'GBP', d, d, 'bench'
       FROM apartments a CROSS JOIN LATERAL (SELECT ($3::date - (m || ' months')::interval)::date AS d FROM generate_series(0, $2 - 1) m) s
       WHERE a.tenant_id = $1`,
      [TENANT, charges, AS_OF],
    );
    await db.query(
      `INSERT INTO ledger_entries (id, tenant_id, building_id, apartment_id, kind, subtype, amount_minor, currency, booked_on, created_by)
       SELECT gen_random_uuid(), $1, a.building_id, a.id, 'payment', 'bank_file',
              -(15000 + (abs(hashtext(a.id::text)) % 5000)), 'GBP', ($3::date - (m || ' months')::interval + interval '3 days')::date, 'bench'
       FROM apartments a CROSS JOIN generate_series(0, $2 - 1) m
       WHERE a.tenant_id = $1`,
      [TENANT, payments, AS_OF],
    );
    await db.query('VACUUM ANALYZE buildings, apartments, ledger_entries, apartment_positions, apartment_open_debits');
    const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM ledger_entries WHERE tenant_id = $1`, [TENANT])).rows;
    const buildings: string[] = (await db.query(`SELECT id FROM buildings WHERE tenant_id = $1 ORDER BY name`, [TENANT])).rows.map((r: { id: string }) => r.id);
    log(`seeded ${nBuildings} buildings, ${nBuildings * perBuilding} apartments, ${n} entries in ${round((performance.now() - t0) / 1000)} s`);

    const headers = bearer(await platform.token(TENANT));
    const ask = (name: string, i: number) => gql(platform.gateway.url, READS[name]!.query, READS[name]!.vars(i, buildings), headers);

    // The answer, once: debtReport's total balance of a building against a plain sum of its entries.
    // The answers, once: debtReport's total balance of a building against a plain sum of its entries,
    // on both dates, and the maintained positions' aging against the aging SQL over the whole tenant.
    const balanceMatches = async (name: string, asOf: string) => {
      const report = await ask(name, 0);
      if (report.errors) throw new Error(`${name} failed: ${JSON.stringify(report.errors)}`);
      const [{ s }] = (await db.query(`SELECT sum(amount_minor)::float8 AS s FROM ledger_entries WHERE building_id = $1 AND booked_on <= $2`, [buildings[0], asOf])).rows;
      return report.data.debtReport.totals.balance.amountMinor === s && report.data.debtReport.totals.apartments === perBuilding;
    };
    const totalsSql = (sql: string, params: unknown[]) =>
      db.query(`SELECT sum("balanceMinor")::float8 AS b, sum("notDue")::float8 AS n, sum(d0_30)::float8 AS a, sum(d31_60)::float8 AS c, sum(d61_90)::float8 AS d, sum("d90Plus")::float8 AS e,
        sum("oldestDaysPastDue")::float8 AS o, count(*)::int AS k FROM (${sql}) x`, params);
    const viaSql = (await totalsSql(AGING_SQL, [TENANT, READ_AS_OF, null, null])).rows[0];
    const viaPositions = (await totalsSql(POSITIONS_AGING_SQL, [TENANT, READ_AS_OF, null, null, []])).rows[0];
    const checks = {
      debtReportBalanceMatches: await balanceMatches('debtReport', READ_AS_OF),
      debtReportBeforeLatestBalanceMatches: await balanceMatches('debtReportBeforeLatest', AS_OF),
      positionsMatchAgingSql: JSON.stringify(viaSql) === JSON.stringify(viaPositions),
    };
    log(`checks ${JSON.stringify(checks)}`);

    const latencyMs: Record<string, Record<string, number>> = {};
    let errors = 0;
    for (const name of Object.keys(READS)) {
      for (let i = 0; i < warmup; i++) await ask(name, i);
      const ms: number[] = [];
      for (let i = 0; i < requests; i++) {
        const t = performance.now();
        const r = await ask(name, i);
        ms.push(performance.now() - t);
        if (r.errors) {
          if (!errors) log(`${name} failed: ${JSON.stringify(r.errors)}`);
          errors++;
        }
      }
      latencyMs[name] = { p50: round(percentile(ms, 50)), p95: round(percentile(ms, 95)), max: round(Math.max(...ms)) };
      log(`${name}: p95 ${latencyMs[name]!.p95} ms`);
    }

    // The aging SQL over the whole tenant against a plain per-apartment sum of the same rows (median of 5, on the database).
    const timeSql = async (sql: string, params: unknown[]) => {
      const xs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        await db.query(sql, params);
        xs.push(performance.now() - t);
      }
      return percentile(xs, 50);
    };
    const plainMs = await timeSql(`SELECT apartment_id, sum(amount_minor) FROM ledger_entries WHERE tenant_id = $1 AND booked_on <= $2 GROUP BY apartment_id`, [TENANT, AS_OF]);
    const agingMs = await timeSql(AGING_SQL, [TENANT, AS_OF, null, null]);

    // Dunning runs over the whole tenant against one set-based SQL computing the same buckets on the same date.
    const policy = await gql(
      platform.gateway.url,
      `mutation($input: SetDunningPolicyInput!) { setDunningPolicy(input: $input) { policy { version } } }`,
      {
        input: {
          scope: 'TENANT',
          idempotencyKey: 'bench-policy',
          steps: [
            { key: 'email-30', bucket: 'D0_30', channel: 'EMAIL', template: 'reminder', attempts: 2 },
            { key: 'email-60', bucket: 'D31_60', channel: 'EMAIL', template: 'reminder' },
            { key: 'email-90', bucket: 'D61_90', channel: 'EMAIL', template: 'reminder' },
            { key: 'email-90-plus', bucket: 'D90_PLUS', channel: 'EMAIL', template: 'reminder', escalation: 'LEGAL' },
          ],
        },
      },
      headers,
    );
    if (policy.errors) throw new Error(`setDunningPolicy failed: ${JSON.stringify(policy.errors)}`);
    const dunningRun = async (dryRun: boolean) => {
      const sqlMs = await timeSql(AGING_SQL, [TENANT, READ_AS_OF, null, null]);
      const t = performance.now();
      const r = await gql(
        platform.gateway.url,
        `mutation($input: StartDunningRunInput!) { startDunningRun(input: $input) { run { id reminders escalations status } } }`,
        { input: { asOf: READ_AS_OF, dryRun, idempotencyKey: `bench-run-${dryRun}` } },
        headers,
      );
      const runMs = performance.now() - t;
      if (r.errors) throw new Error(`startDunningRun failed: ${JSON.stringify(r.errors)}`);
      const [{ events }] = (await db.query(`SELECT count(*)::int AS events FROM dunning_events WHERE run_id = $1`, [r.data.startDunningRun.run.id])).rows;
      log(`dunning run (dryRun ${dryRun}): ${round(runMs)} ms, ${events} events; aging SQL ${round(sqlMs)} ms`);
      return { runMs: round(runMs), agingSqlMs: round(sqlMs), ratioSqlOverRun: round(sqlMs / runMs), events, meetsTarget: sqlMs / runMs >= 0.25 };
    };
    const dryRunRun = await dunningRun(true);
    const realRun = await dunningRun(false);
    await db.end();
    const p95s = Object.fromEntries(Object.entries(latencyMs).map(([k, v]) => [k, v.p95!]));
    return {
      bench: 'collections',
      host,
      dataset: { buildings: nBuildings, apartments: nBuildings * perBuilding, entries: n, asOf: AS_OF },
      requests,
      errors,
      latencyMs,
      target: 'p95 < 100 ms per read',
      meetsTarget: Object.fromEntries(Object.entries(p95s).map(([k, v]) => [k, v < 100])),
      tenantAgingSql: { agingMs: round(agingMs), plainSumMs: round(plainMs), ratioPlainOverAging: round(plainMs / agingMs) },
      dunningRun: { target: 'ratioSqlOverRun >= 0.25', asOf: READ_AS_OF, dryRun: dryRunRun, real: realRun },
      checks,
    };
  } finally {
    await platform.stop();
    await infra.cleanup();
  }
}
