// What the supergraph-wide contract tests (test/contracts/) need from grants: a valid input for each
// of its mutations (idempotent replay, tenant isolation), set up through the API.
import type { ServiceContracts } from '@commonhold/testing/src/contracts';
import { addRequirement, approved, awardedRequest, buildRequest, createRequest, day, GBP, idempotencyKey, ok, scheduled, SET_REQUIREMENT, SET_STATUS, SUBMIT } from './support';

export const contracts: ServiceContracts = {
  samples: {
    createGrantRequest: async (_ctx, key) => buildRequest({ idempotencyKey: key }),
    setGrantRequestStatus: async ({ as }, key) => ({ requestId: await createRequest(as), status: 'SUBMITTED', idempotencyKey: key }),
    awardGrantRequest: async ({ as }, key) => {
      const requestId = await createRequest(as);
      await ok(as, SET_STATUS, { input: { requestId, status: 'SUBMITTED', idempotencyKey: idempotencyKey() } });
      return { requestId, awarded: GBP(1_000_000), idempotencyKey: key };
    },
    closeGrantRequest: async ({ as }, key) => {
      const requestId = await awardedRequest(as);
      const reportId = await addRequirement(as, requestId);
      await ok(as, SET_REQUIREMENT, { input: { requirementId: reportId, status: 'SUBMITTED', idempotencyKey: idempotencyKey() } });
      await ok(as, SET_REQUIREMENT, { input: { requirementId: reportId, status: 'APPROVED', idempotencyKey: idempotencyKey() } });
      return { requestId, idempotencyKey: key };
    },
    addGrantRequirement: async ({ as }, key) => ({ requestId: await createRequest(as), type: 'LETTER_OF_INTENT', name: 'Letter of intent', dueDate: day(20), idempotencyKey: key }),
    setGrantRequirementStatus: async ({ as }, key) => ({ requirementId: await addRequirement(as, await createRequest(as)), status: 'SUBMITTED', idempotencyKey: key }),
    scheduleGrantDisbursement: async ({ as }, key) => ({ requestId: await awardedRequest(as), amount: GBP(500_000), scheduledDate: day(5), idempotencyKey: key }),
    submitGrantDisbursement: async ({ as }, key) => ({ disbursementId: await scheduled(as, await awardedRequest(as), 500_000), idempotencyKey: key }),
    approveGrantDisbursement: async ({ as }, key) => {
      const disbursementId = await scheduled(as, await awardedRequest(as), 500_000);
      await ok(as, SUBMIT, { input: { disbursementId, idempotencyKey: idempotencyKey() } });
      return { disbursementId, idempotencyKey: key };
    },
    // paidOn left to its default (today): the replay test's "changed" date would be refused by the Date scalar before the key is checked.
    payGrantDisbursement: async ({ as }, key) => ({ disbursementId: await approved(as, await awardedRequest(as), 500_000), idempotencyKey: key }),
    cancelGrantDisbursement: async ({ as }, key) => ({ disbursementId: await scheduled(as, await awardedRequest(as), 500_000), idempotencyKey: key }),
  },
};
