// What the supergraph-wide contract tests (test/contracts/) need from bulk-ops: a valid input for each
// of its mutations (idempotent replay, tenant isolation). Add one for every mutation you add.
import type { ServiceContracts } from '@commonhold/testing/src/contracts';
import { buildNote } from './support';

export const contracts: ServiceContracts = {
  samples: {
    createBulkOpsNote: async (_ctx, idempotencyKey) => buildNote({ idempotencyKey }),
  },
};
