/**
 * `npm run bench -- bulk [--apartments 10000]`: a common-expense issue over one building of
 * --apartments apartments, end to end through the gateway (the embedded platform, in-process bus,
 * collections and bulk-ops), against one set-based SQL insert of the same charges, in the same run.
 *
 *  1. Seeds collections (one building, its apartments) and bulk-ops' directory with the same rows,
 *     set-based in SQL (the projection's 10,000 events are not what is measured), then ANALYZE.
 *  2. createBulkJob (EQUAL split of an amount with a remainder) → dryRunBulkJob (timed) →
 *     executeBulkJob (timed) → polls the job until no item is pending: items/s = apartments ÷
 *     (execute sent → job completed, polled every 50 ms). Every charge goes execute → outbox → command event (≤ 2,000 items, v2)
 *     → collections posts the chunk set-based (idempotency key per item, audit, ledger events) →
 *     result event → bulk-ops records the chunk's outcomes set-based.
 *  3. Once the platform has settled (outboxes empty, bulk-ops' projection caught up with the ledger
 *     events), the baseline: one INSERT … SELECT of the same charges (amount, apartment) into
 *     collections' ledger_entries for a second building of the same size: rows/s of the bare write.
 *  4. Checks: the building's ledger has exactly one charge per apartment summing to the amount.
 */
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { bearer, gql } from '@commonhold/testing';
import { startTestPlatform } from '@commonhold/testing/src/platform';
import { provisionInfra, log } from './src/infra';
import { machine } from './src/machine';
import { numArg, round, sleep } from './src/stats';

const TENANT = 'bench-bulk';

export async function bulkBench(argv: string[]): Promise<Record<string, unknown>> {
  const n = numArg(argv, 'apartments', 10_000);
  const host = await machine(argv);
  const infra = await provisionInfra();
  const platform = await startTestPlatform({ transport: 'in-process', services: ['collections', 'bulk-ops'] });
  const url = (db: string) => {
    const u = new URL(infra.pgAdminUrl);
    u.pathname = `/${platform.prefix}${db}`;
    return u.toString();
  };
  const coll = new Client({ connectionString: url('collections') });
  const bulk = new Client({ connectionString: url('bulk_ops') });
  await coll.connect();
  await bulk.connect();
  try {
    const t0 = performance.now();
    const [a, b] = (await coll.query(
      `INSERT INTO buildings (id, tenant_id, name, address_line1, city, postcode, country, currency)
       SELECT gen_random_uuid(), $1, 'Bench ' || x, x || ' Bench Street', 'Bristol', 'BS1 4DJ', 'GB', 'GBP' FROM generate_series(1, 2) x RETURNING id`,
      [TENANT],
    )).rows.map((r: { id: string }) => r.id);
    await coll.query(
      `INSERT INTO apartments (id, tenant_id, building_id, unit, payment_reference)
       SELECT gen_random_uuid(), $1, bid, 'Flat ' || x, 'BB-' || substr(md5(bid::text || x), 1, 12)
       FROM unnest($2::uuid[]) bid CROSS JOIN generate_series(1, $3) x`,
      [TENANT, [a, b], n],
    );
    const apartments = (await coll.query(`SELECT id, building_id, unit FROM apartments WHERE building_id = $1`, [a])).rows;
    await bulk.query(`INSERT INTO directory_buildings (id, tenant_id, name, currency) VALUES ($1, $2, 'Bench 1', 'GBP')`, [a, TENANT]);
    await bulk.query(
      `INSERT INTO directory_apartments (id, tenant_id, building_id, unit) SELECT x.id, $1, x.building_id, x.unit FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, building_id uuid, unit text)`,
      [TENANT, JSON.stringify(apartments)],
    );
    await coll.query('ANALYZE buildings, apartments, ledger_entries');
    await bulk.query('ANALYZE directory_buildings, directory_apartments');
    log(`seeded 2 buildings × ${n} apartments in ${round((performance.now() - t0) / 1000)} s`);

    const headers = bearer(await platform.token(TENANT));
    const call = async (query: string, variables: Record<string, unknown> = {}) => {
      const r = await gql(platform.gateway.url, query, variables, headers);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return r.data as any;
    };
    const amountMinor = n * 1234 + 7; // a remainder of 7 minor units to place
    const JOB = `id status previewHash estimatedImpact { items chargeTotal { amountMinor } } progress { total done succeeded failed pending }`;
    const created = (await call(`mutation($input: CreateBulkJobInput!) { createBulkJob(input: $input) { job { id } } }`, {
      input: { action: 'COMMON_EXPENSE_ISSUE', buildingId: a, commonExpense: { amount: { amountMinor, currency: 'GBP' }, method: 'EQUAL' }, idempotencyKey: `bench-${Date.now()}` },
    })).createBulkJob.job;
    let t = performance.now();
    const dry = (await call(`mutation($input: DryRunBulkJobInput!) { dryRunBulkJob(input: $input) { job { ${JOB} } } }`, { input: { id: created.id, idempotencyKey: `bench-dry-${Date.now()}` } })).dryRunBulkJob.job;
    const dryRunMs = performance.now() - t;
    log(`dry run of ${dry.estimatedImpact[0].items} items in ${round(dryRunMs)} ms`);
    t = performance.now();
    await call(`mutation($input: ExecuteBulkJobInput!) { executeBulkJob(input: $input) { job { id status } } }`, { input: { id: created.id, previewHash: dry.previewHash, idempotencyKey: `bench-exec-${Date.now()}` } });
    const executeMs = performance.now() - t;
    let job: any;
    for (;;) {
      job = (await call(`query($id: ID!) { bulkJob(id: $id) { ${JOB} } }`, { id: created.id })).bulkJob;
      if (!['QUEUED', 'IN_PROGRESS'].includes(job.status)) break;
      await sleep(50);
    }
    const endToEndMs = performance.now() - t;
    log(`job ${job.status} in ${round(endToEndMs / 1000)} s: ${round(n / (endToEndMs / 1000))} items/s`);

    // The platform settles first (outboxes relayed, bulk-ops' projection caught up with the 10,000
    // ledger events), so the baseline does not share the machine with the job's tail.
    const settledFrom = performance.now();
    for (;;) {
      const [c] = (await coll.query(`SELECT count(*)::int AS n FROM outbox`)).rows;
      const [o] = (await bulk.query(`SELECT count(*)::int AS n FROM outbox`)).rows;
      const [p] = (await bulk.query(`SELECT COALESCE(sum(entries), 0)::int AS n FROM directory_balances WHERE building_id = $1`, [a])).rows;
      if ((c.n === 0 && o.n === 0 && p.n >= n) || performance.now() - settledFrom > 60_000) break;
      await sleep(50);
    }
    const settleMs = performance.now() - settledFrom;
    log(`platform settled ${round(settleMs)} ms after the job completed`);

    // Baseline: the same charges written set-based in one statement (second building, same size).
    t = performance.now();
    const ins = await coll.query(
      `INSERT INTO ledger_entries (id, tenant_id, building_id, apartment_id, kind, subtype, amount_minor, currency, booked_on, due_on, created_by)
       SELECT gen_random_uuid(), $1, building_id, id, 'charge', 'common_expense', $3::bigint / $4 + CASE WHEN row_number() OVER (ORDER BY id) <= $3::bigint % $4 THEN 1 ELSE 0 END,
              'GBP', current_date, current_date, 'bench' FROM apartments WHERE building_id = $2`,
      [TENANT, b, amountMinor, n],
    );
    const sqlMs = performance.now() - t;

    const [check] = (await coll.query(`SELECT count(*)::int AS charges, count(DISTINCT apartment_id)::int AS apartments, sum(amount_minor)::float8 AS total FROM ledger_entries WHERE building_id = $1 AND kind = 'charge'`, [a])).rows;
    const itemsPerSecond = n / (endToEndMs / 1000);
    const sqlRowsPerSecond = (ins.rowCount ?? 0) / (sqlMs / 1000);
    return {
      bench: 'bulk',
      host,
      dataset: { apartments: n, amountMinor },
      dryRunMs: round(dryRunMs),
      executeRequestMs: round(executeMs),
      endToEndSeconds: round(endToEndMs / 1000),
      /** After the job completed, until the ledger events were relayed and projected (not in endToEnd). */
      settledAfterMs: round(settleMs),
      itemsPerSecond: round(itemsPerSecond),
      setBasedInsert: { rows: ins.rowCount, ms: round(sqlMs), rowsPerSecond: round(sqlRowsPerSecond) },
      ratioSetBasedOverBulk: round(sqlRowsPerSecond / itemsPerSecond),
      job: { status: job.status, progress: job.progress },
      checks: { oneChargePerApartment: check.charges === n && check.apartments === n, totalExact: check.total === amountMinor },
    };
  } finally {
    await coll.end();
    await bulk.end();
    await platform.stop();
    await infra.cleanup();
  }
}
