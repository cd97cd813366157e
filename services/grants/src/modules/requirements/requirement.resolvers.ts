import { isUuid, type RequestContext, type Resolvers } from '@commonhold/kit';
import { findRequest, type RequestRow } from '../requests';
import { addRequirement, changeRequirementStatus } from './manage-requirements';
import { findRequirement, requirementsOf, type RequirementRow } from './requirement.store';

const who = (ctx: RequestContext) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId });
type In = { input: { idempotencyKey: string } & Record<string, unknown> };

/** Thin: GraphQL in, a use case or a store read, GraphQL out. */
export const requirementResolvers: Resolvers = {
  Query: {
    grantRequirement: (_: unknown, { id }: { id: string }, ctx) => (isUuid(id) ? ctx.tx((m) => findRequirement(m, ctx.principal.tenantId, id)) : null),
  },
  Mutation: {
    addGrantRequirement: (_: unknown, { input }: In, ctx) =>
      ctx.tx(async (m) => ({ requirement: await findRequirement(m, ctx.principal.tenantId, await addRequirement(m, { ...who(ctx), input })) })),
    setGrantRequirementStatus: (_: unknown, { input }: In, ctx) =>
      ctx.tx(async (m) => ({ requirement: await findRequirement(m, ctx.principal.tenantId, await changeRequirementStatus(m, { ...who(ctx), input })) })),
  },
  GrantRequirement: {
    request: (r: RequirementRow, _: unknown, ctx: RequestContext) => ctx.tx((m) => findRequest(m, ctx.principal.tenantId, r.requestId)),
  },
  GrantRequest: {
    requirements: (r: RequestRow, _: unknown, ctx: RequestContext) => ctx.tx((m) => requirementsOf(m, ctx.principal.tenantId, r.id)),
  },
};
