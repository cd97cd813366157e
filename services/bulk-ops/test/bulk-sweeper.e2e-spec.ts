// The sweeper of items stuck in flight (a command collections never answered: lost, dead-lettered,
// or collections down). bulk-ops runs here WITHOUT collections, so nothing answers its commands; the
// directory is seeded in SQL. After BULK_ITEM_TIMEOUT_SECONDS the pg-boss sweep job marks the items
// failed and retryable, the job settles as FAILED with the audit of each step, and a retry sends
// exactly those items again.
import { randomUUID } from 'node:crypto';
import { eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { bulkSweeperOf } from '../src/modules/jobs';
import { BULK_QUEUES } from '../src/modules/jobs/sweeper.migration';
import { CREATE_JOB, DRY_RUN, EXECUTE, JOB, RETRY, gbp, idempotencyKey, ok, tenantName, tenantRows } from './support';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({
    transport: 'in-process',
    services: ['bulk-ops'],
    serviceEnv: { 'bulk-ops': { BULK_ITEM_TIMEOUT_SECONDS: '1', BULK_SWEEP_CRON: '0 0 1 1 *' } },
  });
}, 180_000);
afterAll(async () => platform?.stop());

const rt = () => platform.services['bulk-ops']!.runtime;

async function seededBuilding(tenant: string, units: number): Promise<string> {
  const buildingId = randomUUID();
  await tenantRows(platform, 'bulk-ops', tenant, `INSERT INTO directory_buildings (id, tenant_id, name, currency) VALUES ($1, $2, 'Harbour House', 'GBP')`, [buildingId, tenant]);
  await tenantRows(
    platform,
    'bulk-ops',
    tenant,
    `INSERT INTO directory_apartments (id, tenant_id, building_id, unit, ownership_share) SELECT gen_random_uuid(), $1, $2, x::text, 1 FROM generate_series(1, $3) x`,
    [tenant, buildingId, units],
  );
  return buildingId;
}

it('fails items stuck in flight past the timeout as retryable (through the pg-boss sweep job), settles the job, and lets a retry send them again', async () => {
  const tenant = tenantName('acme');
  const acme = platform.as(tenant);
  const buildingId = await seededBuilding(tenant, 3);
  const job = (await ok(acme, CREATE_JOB, { input: { action: 'COMMON_EXPENSE_ISSUE', buildingId, commonExpense: { amount: gbp(300), method: 'EQUAL' }, idempotencyKey: idempotencyKey() } })).createBulkJob.job;
  const dry = (await ok(acme, DRY_RUN, { input: { id: job.id, idempotencyKey: idempotencyKey() } })).dryRunBulkJob.job;
  await ok(acme, EXECUTE, { input: { id: job.id, previewHash: dry.previewHash, idempotencyKey: idempotencyKey() } });
  expect((await ok(acme, JOB, { id: job.id })).bulkJob.progress).toMatchObject({ total: 3, pending: 3 });

  // Not yet past the timeout: a sweep now leaves the items in flight.
  const sweeper = await bulkSweeperOf(rt());
  await tenantRows(platform, 'bulk-ops', tenant, `UPDATE bulk_job_items SET updated_at = now() + interval '1 hour' WHERE job_id = $1`, [job.id]);
  expect(await sweeper.sweep()).toBe(0);
  expect((await ok(acme, JOB, { id: job.id })).bulkJob.status).toBe('QUEUED');
  await tenantRows(platform, 'bulk-ops', tenant, `UPDATE bulk_job_items SET updated_at = now() - interval '5 seconds' WHERE job_id = $1`, [job.id]);

  // The scheduled job's queue: a sweep job sent to it is worked by the service's pg-boss worker.
  await sweeper.boss.send(BULK_QUEUES.sweep, {});
  let swept: any;
  await eventually(async () => {
    swept = (await ok(acme, JOB, { id: job.id })).bulkJob;
    return swept.status === 'FAILED';
  }, { timeoutMs: 30_000 });
  expect(swept.progress).toEqual({ total: 3, done: 3, succeeded: 0, failed: 3, pending: 0 });
  for (const e of swept.items.edges) expect(e.node.errors).toEqual([{ code: 'SERVICE_UNAVAILABLE', field: null, retryable: true, attempt: 1 }]);
  const audit = await tenantRows(platform, 'bulk-ops', tenant, `SELECT action, actor, trace_id FROM audit_events WHERE action IN ('bulk-job-item.failed', 'bulk-job.failed') ORDER BY id`);
  expect(audit.map((a) => a.action)).toEqual(['bulk-job-item.failed', 'bulk-job-item.failed', 'bulk-job-item.failed', 'bulk-job.failed']);
  expect(audit.every((a) => a.trace_id)).toBe(true);

  // Another sweep finds nothing; the retry sends the three items again (attempt 2).
  expect(await sweeper.sweep()).toBe(0);
  const retried = (await ok(acme, RETRY, { input: { id: job.id, idempotencyKey: idempotencyKey() } })).retryBulkJob.job;
  expect(retried.status).toBe('IN_PROGRESS');
  expect(retried.items.edges.map((e: any) => [e.node.status, e.node.attempts])).toEqual([['QUEUED', 2], ['QUEUED', 2], ['QUEUED', 2]]);
});

it('sweeps only the tenant’s own stuck items and leaves items answered in time alone', async () => {
  const a = tenantName('acme');
  const b = tenantName('bravo');
  const jobOf = async (tenant: string) => {
    const as = platform.as(tenant);
    const buildingId = await seededBuilding(tenant, 2);
    const job = (await ok(as, CREATE_JOB, { input: { action: 'COMMON_EXPENSE_ISSUE', buildingId, commonExpense: { amount: gbp(10), method: 'EQUAL' }, idempotencyKey: idempotencyKey() } })).createBulkJob.job;
    const dry = (await ok(as, DRY_RUN, { input: { id: job.id, idempotencyKey: idempotencyKey() } })).dryRunBulkJob.job;
    await ok(as, EXECUTE, { input: { id: job.id, previewHash: dry.previewHash, idempotencyKey: idempotencyKey() } });
    return job.id as string;
  };
  const jobA = await jobOf(a);
  const jobB = await jobOf(b);
  // A's items are old; B's were just sent.
  await tenantRows(platform, 'bulk-ops', a, `UPDATE bulk_job_items SET updated_at = now() - interval '5 seconds' WHERE job_id = $1`, [jobA]);
  await tenantRows(platform, 'bulk-ops', b, `UPDATE bulk_job_items SET updated_at = now() + interval '1 hour' WHERE job_id = $1`, [jobB]);
  const sweeper = await bulkSweeperOf(rt());
  expect(await sweeper.sweep()).toBeGreaterThanOrEqual(2);
  expect((await ok(platform.as(a), JOB, { id: jobA })).bulkJob.status).toBe('FAILED');
  expect((await ok(platform.as(b), JOB, { id: jobB })).bulkJob).toMatchObject({ status: 'QUEUED', progress: { pending: 2 } });
});
