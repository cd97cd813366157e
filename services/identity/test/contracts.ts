// What the supergraph-wide contract tests (test/contracts/) need from identity: a valid input for
// each of its mutations, set up through the API. See @commonhold/testing/src/contracts.
import { randomUUID } from 'node:crypto';
import type { ServiceContracts } from '@commonhold/testing/src/contracts';
import { idempotencyKey, ok, type As } from '@commonhold/testing/src/support';

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

async function invitedUser(as: As): Promise<string> {
  const d = await ok(as, 'mutation($input: InviteUserInput!) { inviteUser(input: $input) { user { id } } }', {
    input: { email: `c-${randomUUID().slice(0, 8)}@example.org`, displayName: 'Contract User', roles: ['fundraiser'], scope: ['global'], idempotencyKey: idempotencyKey() },
  });
  return d.inviteUser.user.id;
}

export const contracts: ServiceContracts = {
  samples: {
    inviteUser: async (_ctx, key) => ({ email: `i-${randomUUID().slice(0, 8)}@example.org`, displayName: 'Invited Person', roles: ['fundraiser'], scope: ['global'], idempotencyKey: key }),
    changeMembership: async ({ as }, key) => ({ userId: await invitedUser(as), roles: ['auditor'], scope: ['global'], idempotencyKey: key }),
    createPublicLink: async (_ctx, key) => ({ purpose: 'volunteer_signup', subjectId: randomUUID(), expiresAt: inAnHour(), maxUses: 2, idempotencyKey: key }),
    revokePublicLink: async ({ as }, key) => {
      const d = await ok(as, 'mutation($input: CreatePublicLinkInput!) { createPublicLink(input: $input) { link { id } } }', {
        input: { purpose: 'vote_ballot', subjectId: randomUUID(), expiresAt: inAnHour(), idempotencyKey: idempotencyKey() },
      });
      return { linkId: d.createPublicLink.link.id, idempotencyKey: key };
    },
    logoutEverywhere: async (_ctx, key) => ({ idempotencyKey: key }),
    createServiceAccount: async (_ctx, key) => ({ name: `integration ${randomUUID().slice(0, 8)}`, roles: ['finance'], scope: ['global'], idempotencyKey: key }),
    revokeApiKey: async ({ as }, key) => {
      const account = await ok(as, 'mutation($input: CreateServiceAccountInput!) { createServiceAccount(input: $input) { serviceAccount { id } } }', {
        input: { name: `revoke ${randomUUID().slice(0, 8)}`, roles: ['auditor'], scope: ['global'], idempotencyKey: idempotencyKey() },
      });
      const apiKey = await ok(as, 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }', {
        input: { serviceAccountId: account.createServiceAccount.serviceAccount.id, expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), idempotencyKey: idempotencyKey() },
      });
      return { apiKeyId: apiKey.createApiKey.apiKey.id, idempotencyKey: key };
    },
    setTenantMfaRequirement: async (_ctx, key) => ({ required: false, idempotencyKey: key }),
    resetMemberMfa: async ({ as }, key) => ({ userId: await invitedUser(as), idempotencyKey: key }),
  },
  notReplayed: {
    startTotpEnrolment: 'enrols the signed-in member, which a development token is not (it answers FORBIDDEN not_a_member); its replay (otpauthUri: null) is asserted in services/identity/test/mfa.e2e-spec.ts',
    confirmTotpEnrolment: 'needs a code computed from a pending enrolment of a signed-in member; its replay (recoveryCodes: null) is asserted in services/identity/test/mfa.e2e-spec.ts',
    createApiKey: 'the secret is answered once and stored only as its hash, so a replay answers the same key id with key: null (asserted in services/identity/test/service-accounts.e2e-spec.ts)',
    revokeSession: 'needs a session of the caller, which a development token has none of; its replay is asserted in services/identity/test/auth.e2e-spec.ts',
  },
};
