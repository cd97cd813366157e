// What the supergraph-wide contract tests (test/contracts/) need from voting: a valid input for each
// of its mutations (idempotent replay, tenant isolation), set up through the gateway.
import type { SampleContext, ServiceContracts } from '@commonhold/testing/src/contracts';
import { buildRule, buildVote, createVote, givenBuilding, idempotencyKey, ok, CREATE_RULE } from './support';

/** A building with two apartments (shares 600/400) in collections, once voting has projected it. */
async function building(ctx: SampleContext) {
  return givenBuilding(ctx.platform, ctx.tenant, ctx.as, [600, 400]);
}

async function openVote(ctx: SampleContext) {
  const b = await building(ctx);
  return { vote: await createVote(ctx.as, b.buildingId), apartments: b.apartments };
}

export const contracts: ServiceContracts = {
  samples: {
    createVote: async (ctx, key) => buildVote((await building(ctx)).buildingId, { idempotencyKey: key }),
    castBallot: async (ctx, key) => {
      const { vote, apartments } = await openVote(ctx);
      return { voteId: vote.id, apartmentId: apartments[0]!.id, choice: 'yes', idempotencyKey: key };
    },
    closeVote: async (ctx, key) => ({ id: (await openVote(ctx)).vote.id, idempotencyKey: key }),
    cancelVote: async (ctx, key) => ({ id: (await openVote(ctx)).vote.id, idempotencyKey: key }),
    createAutomationRule: async (ctx, key) => buildRule((await building(ctx)).buildingId, { idempotencyKey: key }),
    setAutomationRuleEnabled: async (ctx, key) => {
      const rule = (await ok(ctx.as, CREATE_RULE, { input: buildRule((await building(ctx)).buildingId, { idempotencyKey: idempotencyKey() }) })).createAutomationRule.rule;
      return { id: rule.id, enabled: false, idempotencyKey: key };
    },
  },
};
