// What the supergraph-wide contract tests (test/contracts/) need from bulk-ops: a valid input for each
// of its mutations (idempotent replay, tenant isolation), set up through the gateway.
import type { SampleContext, ServiceContracts } from '@commonhold/testing/src/contracts';
import { CREATE_JOB, gbp, givenBuilding, idempotencyKey, ok } from './support';

/** A building with one apartment (share 1000) in collections, once bulk-ops has projected it. */
async function building(ctx: SampleContext): Promise<string> {
  return (await givenBuilding(ctx.platform, ctx.tenant, ctx.as, [1000])).buildingId;
}

async function draftJob(ctx: SampleContext): Promise<string> {
  const buildingId = await building(ctx);
  return (await ok(ctx.as, CREATE_JOB, { input: { action: 'COMMON_EXPENSE_ISSUE', buildingId, commonExpense: { amount: gbp(1_000), method: 'OWNERSHIP_SHARE' }, idempotencyKey: idempotencyKey() } })).createBulkJob.job.id;
}

const LIVE = 'its answer is the job with its live progress (QUEUED, then IN_PROGRESS, COMPLETED as results arrive), so a replay answers the same job in a later state; replay without a second effect is proven in services/bulk-ops/test/bulk-jobs.e2e-spec.ts (ledger charges counted in collections)';

export const contracts: ServiceContracts = {
  samples: {
    createBulkTemplate: async (ctx, key) => ({ name: 'Service charge', action: 'COMMON_EXPENSE_ISSUE', buildingId: await building(ctx), commonExpense: { amount: gbp(1_000), method: 'EQUAL' }, idempotencyKey: key }),
    createBulkJob: async (ctx, key) => ({ action: 'COMMON_EXPENSE_ISSUE', buildingId: await building(ctx), commonExpense: { amount: gbp(1_000), method: 'EQUAL' }, idempotencyKey: key }),
    dryRunBulkJob: async (ctx, key) => ({ id: await draftJob(ctx), idempotencyKey: key }),
    cancelBulkJob: async (ctx, key) => ({ id: await draftJob(ctx), idempotencyKey: key }),
  },
  notReplayed: {
    executeBulkJob: LIVE,
    retryBulkJob: LIVE,
    exportBulkData: 'its answer carries a download link re-signed on every read (a short TTL from now), so a replay answers the same export with a fresher link; replay without a second export, audit or file is proven in services/bulk-ops/test/bulk-exports.e2e-spec.ts',
  },
};
