// NC-306, a crash mid-job: collections and bulk-ops each in its own process over the suite's Kafka
// broker (the distributed stack), a common-expense issue over 3,000 apartments executed through the
// gateway, and a kill -9 of one service while the job's commands are in flight, then a restart.
// Counts come from the databases: every apartment has exactly one charge (nothing lost, nothing
// posted twice), the charges sum to the amount, and the job completes with every item succeeded once.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { adminUrl, bearer, eventually, gql, testKeys, uniquePrefix } from '@commonhold/testing';
import { startDistributedStack, type DistributedStack } from '../../../scripts/distributed/stack';

const N = 3_000;
const TENANT = `crash-${randomUUID().slice(0, 8)}`;

let stack: DistributedStack | undefined;
let coll: Client;
let bulk: Client;
let token: string;

const dbClient = async (database: string) => {
  const u = new URL(adminUrl());
  u.pathname = `/${database}`;
  const c = new Client({ connectionString: u.toString() });
  await c.connect();
  return c;
};

beforeAll(async () => {
  const keys = await testKeys();
  const prefix = uniquePrefix();
  stack = await startDistributedStack({
    adminUrl: adminUrl(),
    databasePrefix: prefix,
    appPassword: 'pw',
    kafkaBrokers: process.env.KAFKA_BROKERS!,
    topicPrefix: `${prefix}.`,
    jwksFile: keys.jwksFile,
    freePorts: true,
    services: ['collections', 'bulk-ops'],
    nodeEnv: 'test',
    logLevel: 'warn',
    env: { CONSUMER_BACKOFF_MS: '50', DUNNING_SCHEDULE_CRON: '', RATE_LIMIT_TENANT_PER_MINUTE: '1000000', RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_USER_PER_MINUTE: '1000000' },
  });
  coll = await dbClient(stack.databases.collections!.database);
  bulk = await dbClient(stack.databases['bulk-ops']!.database);
  token = await keys.token(TENANT);
}, 240_000);

afterAll(async () => {
  await coll?.end();
  await bulk?.end();
  for (const p of stack ? [stack.gateway, ...Object.values(stack.services)] : []) await p.kill9().catch(() => undefined);
});

const call = async (query: string, variables: Record<string, unknown>) => {
  const r = await gql(stack!.gatewayUrl, query, variables, bearer(token));
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data as any;
};

/** A building of N apartments in collections and, as its projection would hold it, in bulk-ops (seeded in SQL). */
async function seededBuilding(): Promise<string> {
  const id = randomUUID();
  await coll.query(
    `INSERT INTO buildings (id, tenant_id, name, address_line1, city, postcode, country, currency) VALUES ($1, $2, 'Crash House', '1 Quay Street', 'Bristol', 'BS1 4DJ', 'GB', 'GBP')`,
    [id, TENANT],
  );
  await coll.query(
    `INSERT INTO apartments (id, tenant_id, building_id, unit, payment_reference) SELECT gen_random_uuid(), $1, $2::uuid, x::text, 'CH-' || substr(md5($2::text || x), 1, 12) FROM generate_series(1, $3) x`,
    [TENANT, id, N],
  );
  const apartments = (await coll.query(`SELECT id, unit FROM apartments WHERE building_id = $1`, [id])).rows;
  await bulk.query(`INSERT INTO directory_buildings (id, tenant_id, name, currency) VALUES ($1, $2, 'Crash House', 'GBP')`, [id, TENANT]);
  await bulk.query(
    `INSERT INTO directory_apartments (id, tenant_id, building_id, unit) SELECT x.id, $1, $2, x.unit FROM jsonb_to_recordset($3::jsonb) AS x(id uuid, unit text)`,
    [TENANT, id, JSON.stringify(apartments)],
  );
  return id;
}

const JOB = `id status previewHash progress { total done succeeded failed pending }`;
const AMOUNT = N * 100 + 7;

async function executeJob(buildingId: string): Promise<string> {
  const job = (await call(`mutation($input: CreateBulkJobInput!) { createBulkJob(input: $input) { job { id } } }`, {
    input: { action: 'COMMON_EXPENSE_ISSUE', buildingId, commonExpense: { amount: { amountMinor: AMOUNT, currency: 'GBP' }, method: 'EQUAL' }, idempotencyKey: randomUUID() },
  })).createBulkJob.job;
  const dry = (await call(`mutation($input: DryRunBulkJobInput!) { dryRunBulkJob(input: $input) { job { ${JOB} } } }`, { input: { id: job.id, idempotencyKey: randomUUID() } })).dryRunBulkJob.job;
  await call(`mutation($input: ExecuteBulkJobInput!) { executeBulkJob(input: $input) { job { id } } }`, { input: { id: job.id, previewHash: dry.previewHash, idempotencyKey: randomUUID() } });
  return job.id;
}

/** Polls `count` until it is above 0 (the job is under way), then kills the service; returns the count seen then. */
async function killMidJob(service: string, count: () => Promise<number>): Promise<number> {
  let seen = 0;
  await eventually(async () => (seen = await count()) > 0, { timeoutMs: 60_000, intervalMs: 10 });
  await stack!.services[service]!.kill9();
  return seen;
}

async function expectExactlyOnce(buildingId: string, jobId: string) {
  await eventually(
    async () => {
      const r = await gql(stack!.gatewayUrl, `query($id: ID!) { bulkJob(id: $id) { ${JOB} } }`, { id: jobId }, bearer(token));
      return r.data?.bulkJob?.status === 'COMPLETED';
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  );
  const job = (await call(`query($id: ID!) { bulkJob(id: $id) { ${JOB} } }`, { id: jobId })).bulkJob;
  expect(job.progress).toEqual({ total: N, done: N, succeeded: N, failed: 0, pending: 0 });
  const [ledger] = (await coll.query(
    `SELECT count(*)::int AS charges, count(DISTINCT apartment_id)::int AS apartments, sum(amount_minor)::float8 AS total FROM ledger_entries WHERE building_id = $1 AND kind = 'charge'`,
    [buildingId],
  )).rows;
  expect(ledger).toEqual({ charges: N, apartments: N, total: AMOUNT });
  // Every item names its own entry, and no entry is named twice.
  const [items] = (await bulk.query(`SELECT count(*)::int AS n, count(DISTINCT ledger_entry_id)::int AS entries FROM bulk_job_items WHERE job_id = $1 AND status = 'succeeded'`, [jobId])).rows;
  expect(items).toEqual({ n: N, entries: N });
}

it('loses and duplicates nothing when collections is killed mid-job and restarted', async () => {
  const buildingId = await seededBuilding();
  const jobId = await executeJob(buildingId);
  const atKill = await killMidJob('collections', async () => (await coll.query(`SELECT count(*)::int AS n FROM ledger_entries WHERE building_id = $1`, [buildingId])).rows[0].n);
  expect(atKill).toBeLessThan(N); // killed mid-job, not after it
  await stack!.services.collections!.start();
  await expectExactlyOnce(buildingId, jobId);
}, 240_000);

it('loses and duplicates nothing when bulk-ops is killed mid-job and restarted', async () => {
  const buildingId = await seededBuilding();
  const jobId = await executeJob(buildingId);
  const atKill = await killMidJob('bulk-ops', async () => (await bulk.query(`SELECT count(*)::int AS n FROM bulk_job_items WHERE job_id = $1 AND status = 'succeeded'`, [jobId])).rows[0].n);
  expect(atKill).toBeLessThan(N);
  await stack!.services['bulk-ops']!.start();
  await expectExactlyOnce(buildingId, jobId);
}, 240_000);
