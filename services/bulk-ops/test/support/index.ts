// Shared support for bulk-ops' tests: a building in collections projected into bulk-ops, and the
// GraphQL operations the specs use (the generic helpers come from @commonhold/testing).
import { eventually } from '@commonhold/testing';
import { idempotencyKey, ok, type As } from '@commonhold/testing/src/support';
import type { TestPlatform } from '@commonhold/testing/src/platform';
import { tenantRows } from '@commonhold/testing/src/support';

export { idempotencyKey, ok, refused, tenantName, tenantRows, type As } from '@commonhold/testing/src/support';

const CREATE_BUILDING = `mutation($input: CreateBuildingInput!) { createBuilding(input: $input) { building { id } } }`;
const CREATE_APARTMENT = `mutation($input: CreateApartmentInput!) { createApartment(input: $input) { apartment { id unit } } }`;
const SET_SHARES = `mutation($input: SetBuildingSharesInput!) { setBuildingShares(input: $input) { building { id sharesComplete } } }`;

export const JOB_FIELDS = `id status buildingId previewHash previewExpiresAt traceId
  validationErrors { field code message }
  estimatedImpact { buildingId items validItems invalidItems chargeTotal { amountMinor currency } balanceBeforeTotal { amountMinor } balanceAfterTotal { amountMinor } }
  progress { total done succeeded failed pending }
  items(first: 10) { edges { node { id apartmentId unit weight status attempts ledgerEntryId traceId
    balanceBefore { amountMinor currency } charge { amountMinor currency } balanceAfter { amountMinor }
    validationErrors { field code message } errors { code field retryable attempt } } } }`;
export const CREATE_JOB = `mutation($input: CreateBulkJobInput!) { createBulkJob(input: $input) { job { ${JOB_FIELDS} } } }`;
export const DRY_RUN = `mutation($input: DryRunBulkJobInput!) { dryRunBulkJob(input: $input) { job { ${JOB_FIELDS} } } }`;
export const EXECUTE = `mutation($input: ExecuteBulkJobInput!) { executeBulkJob(input: $input) { job { ${JOB_FIELDS} } } }`;
export const RETRY = `mutation($input: RetryBulkJobInput!) { retryBulkJob(input: $input) { job { ${JOB_FIELDS} } } }`;
export const CANCEL = `mutation($input: CancelBulkJobInput!) { cancelBulkJob(input: $input) { job { id status } } }`;
export const CREATE_TEMPLATE = `mutation($input: CreateBulkTemplateInput!) { createBulkTemplate(input: $input) { template { id name buildingId commonExpense { amount { amountMinor currency } method } } } }`;
export const JOB = `query($id: ID!) { bulkJob(id: $id) { ${JOB_FIELDS} } }`;

export const gbp = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });

/**
 * A building with apartments and ownership shares (thousandths) created in collections through the
 * gateway, and waited for until bulk-ops has projected all of it.
 */
export async function givenBuilding(platform: TestPlatform, tenant: string, as: As, shares: number[]): Promise<{ buildingId: string; apartments: { id: string; unit: string }[] }> {
  const buildingId = (await ok(as, CREATE_BUILDING, { input: { name: 'Harbour House', address: { line1: '1 Quay Street', city: 'Bristol', postcode: 'BS1 4DJ' }, idempotencyKey: idempotencyKey() } })).createBuilding.building.id;
  const apartments: { id: string; unit: string }[] = [];
  for (let i = 0; i < shares.length; i++) {
    apartments.push((await ok(as, CREATE_APARTMENT, { input: { buildingId, unit: `${i + 1}`, idempotencyKey: idempotencyKey() } })).createApartment.apartment);
  }
  if (shares.length) {
    await ok(as, SET_SHARES, { input: { buildingId, shares: apartments.map((a, i) => ({ apartmentId: a.id, ownershipShare: shares[i] })), idempotencyKey: idempotencyKey() } });
  }
  await projected(platform, tenant, buildingId, shares.length);
  return { buildingId, apartments };
}

/** Waits until bulk-ops' directory holds the building with `apartments` apartments, every share set. */
export async function projected(platform: TestPlatform, tenant: string, buildingId: string, apartments: number): Promise<void> {
  await eventually(async () => {
    const [r] = await tenantRows(platform, 'bulk-ops', tenant, `SELECT (SELECT count(*)::int FROM directory_buildings WHERE id = $1) AS b,
      (SELECT count(*)::int FROM directory_apartments WHERE building_id = $1 AND deleted_at IS NULL AND ownership_share IS NOT NULL) AS a`, [buildingId]);
    return r!.b === 1 && r!.a === apartments;
  });
}

/** Creates a common-expense job over the building and dry-runs it; returns the dry-run job. */
export async function dryRunJob(as: As, buildingId: string, amountMinor: number, extra: Record<string, unknown> = {}) {
  const job = (await ok(as, CREATE_JOB, { input: { action: 'COMMON_EXPENSE_ISSUE', buildingId, commonExpense: { amount: gbp(amountMinor), method: 'OWNERSHIP_SHARE', ...extra }, idempotencyKey: idempotencyKey() } })).createBulkJob.job;
  return (await ok(as, DRY_RUN, { input: { id: job.id, idempotencyKey: idempotencyKey() } })).dryRunBulkJob.job;
}

/** Waits until the job has no item awaiting an outcome and returns it. */
export async function finished(as: As, id: string) {
  let job: any;
  await eventually(async () => {
    job = (await ok(as, JOB, { id })).bulkJob;
    return ['COMPLETED', 'COMPLETED_WITH_ERRORS', 'FAILED'].includes(job.status);
  });
  return job;
}
