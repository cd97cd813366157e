import { isUuid, type PageArgs, type RequestContext, type Resolvers, byIdLoader, manyOf } from '@commonhold/kit';
import type { RequestStatus } from './request';
import { awardRequest, closeRequest, createRequest, setRequestStatus } from './manage-requests';
import { findRequest, pageRequests, type RequestRow } from './request.store';

const who = (ctx: RequestContext) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId });
type In = { input: { idempotencyKey: string } & Record<string, unknown> };

/** Thin: GraphQL in, a use case or a store read, GraphQL out. */
export const requestResolvers: Resolvers = {
  Query: {
    grantRequest: (_: unknown, { id }: { id: string }, ctx) => (isUuid(id) ? ctx.tx((m) => findRequest(m, ctx.principal.tenantId, id)) : null),
    grantRequests: (_: unknown, args: PageArgs & { status?: RequestStatus }, ctx) => ctx.tx((m) => pageRequests(m, ctx.principal.tenantId, args)),
  },
  Mutation: {
    createGrantRequest: (_: unknown, { input }: In, ctx) =>
      ctx.tx(async (m) => ({ request: await findRequest(m, ctx.principal.tenantId, await createRequest(m, { ...who(ctx), input })) })),
    setGrantRequestStatus: (_: unknown, { input }: In, ctx) =>
      ctx.tx(async (m) => ({ request: await findRequest(m, ctx.principal.tenantId, await setRequestStatus(m, { ...who(ctx), input })) })),
    awardGrantRequest: (_: unknown, { input }: In, ctx) =>
      ctx.tx(async (m) => ({ request: await findRequest(m, ctx.principal.tenantId, await awardRequest(m, { ...who(ctx), input })) })),
    closeGrantRequest: (_: unknown, { input }: In, ctx) =>
      ctx.tx(async (m) => ({ request: await findRequest(m, ctx.principal.tenantId, await closeRequest(m, { ...who(ctx), input })) })),
  },
  GrantRequest: {
    // One transaction for every reference of the request (`_entities` may carry hundreds): a connection, not one each.
    __resolveReference: (ref: { id: string }, ctx: RequestContext) => byIdLoader(ctx, 'grant-request-refs', (m, ids) => manyOf(ids, (id) => findRequest(m, ctx.principal.tenantId, id))).load(ref.id),
    funder: (r: RequestRow) => ({ __typename: 'Contact', id: r.funderContactId }),
    requested: (r: RequestRow) => ({ amountMinor: r.requestedMinor, currency: r.currency }),
    awarded: (r: RequestRow) => (r.awardedMinor == null ? null : { amountMinor: r.awardedMinor, currency: r.currency }),
    renewalOf: (r: RequestRow, _: unknown, ctx: RequestContext) => (r.renewalOfId ? ctx.tx((m) => findRequest(m, ctx.principal.tenantId, r.renewalOfId!)) : null),
  },
};
