// What the supergraph-wide contract tests (test/contracts/) need from volunteers: a valid input for
// each of its mutations, set up through the API. See @commonhold/testing/src/contracts.
import type { ServiceContracts } from '@commonhold/testing/src/contracts';
import { knownContact } from './support';

export const contracts: ServiceContracts = {
  samples: {
    registerVolunteer: async ({ platform, tenant }, idempotencyKey) => ({ contactId: await knownContact(platform, tenant), idempotencyKey }),
  },
};
