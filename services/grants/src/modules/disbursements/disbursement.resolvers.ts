import { isUuid, type RequestContext, type Resolvers } from '@commonhold/kit';
import { findRequest, type RequestRow } from '../requests';
import { remaining, unscheduled } from './disbursement';
import { disbursementsOf, findDisbursement, totalsOf, type DisbursementRow } from './disbursement.store';
import { moveDisbursement, scheduleDisbursement } from './manage-disbursements';

const who = (ctx: RequestContext) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId });
type In = { input: { idempotencyKey: string } & Record<string, unknown> };
const money = (amountMinor: number, currency: string) => ({ amountMinor, currency });

const move = (operation: string, to: 'PENDING_APPROVAL' | 'APPROVED' | 'PAID' | 'CANCELLED') => (_: unknown, { input }: In, ctx: RequestContext) =>
  ctx.tx(async (m) => ({ disbursement: await findDisbursement(m, ctx.principal.tenantId, await moveDisbursement(m, ctx.runtime.registry, operation, to, { ...who(ctx), input })) }));

/** Thin: GraphQL in, a use case or a store read, GraphQL out. */
export const disbursementResolvers: Resolvers = {
  Query: {
    grantDisbursement: (_: unknown, { id }: { id: string }, ctx) => (isUuid(id) ? ctx.tx((m) => findDisbursement(m, ctx.principal.tenantId, id)) : null),
  },
  Mutation: {
    scheduleGrantDisbursement: (_: unknown, { input }: In, ctx) =>
      ctx.tx(async (m) => ({ disbursement: await findDisbursement(m, ctx.principal.tenantId, await scheduleDisbursement(m, { ...who(ctx), input })) })),
    submitGrantDisbursement: move('submitGrantDisbursement', 'PENDING_APPROVAL'),
    approveGrantDisbursement: move('approveGrantDisbursement', 'APPROVED'),
    payGrantDisbursement: move('payGrantDisbursement', 'PAID'),
    cancelGrantDisbursement: move('cancelGrantDisbursement', 'CANCELLED'),
  },
  GrantDisbursement: {
    amount: (d: DisbursementRow) => money(d.amountMinor, d.currency),
    request: (d: DisbursementRow, _: unknown, ctx: RequestContext) => ctx.tx((m) => findRequest(m, ctx.principal.tenantId, d.requestId)),
  },
  GrantRequest: {
    disbursements: (r: RequestRow, _: unknown, ctx: RequestContext) => ctx.tx((m) => disbursementsOf(m, ctx.principal.tenantId, r.id)),
    disbursed: async (r: RequestRow, _: unknown, ctx: RequestContext) => money((await ctx.tx((m) => totalsOf(m, ctx.principal.tenantId, r.id, r.awardedMinor))).disbursedMinor, r.currency),
    cancelled: async (r: RequestRow, _: unknown, ctx: RequestContext) => money((await ctx.tx((m) => totalsOf(m, ctx.principal.tenantId, r.id, r.awardedMinor))).cancelledMinor, r.currency),
    remaining: async (r: RequestRow, _: unknown, ctx: RequestContext) => money(remaining(await ctx.tx((m) => totalsOf(m, ctx.principal.tenantId, r.id, r.awardedMinor))), r.currency),
    unscheduled: async (r: RequestRow, _: unknown, ctx: RequestContext) => money(unscheduled(await ctx.tx((m) => totalsOf(m, ctx.principal.tenantId, r.id, r.awardedMinor))), r.currency),
  },
};
