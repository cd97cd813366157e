import { byIdLoader, isUuid, money, type PageArgs, type RequestContext, type Resolvers } from '@commonhold/kit';
import { apartmentLoader, type ApartmentRow } from '../buildings';
import { who } from '../../shared/core.resolvers';
import { evaluatePromisesToPay } from './evaluate-promises';
import { makePromiseToPay } from './make-promise';
import { activePromise, findPromises, pagePromises, type PromiseRow } from './promise.store';

type Ctx = RequestContext;
type Input = { input: Record<string, any> & { idempotencyKey: string } };
const tenant = (ctx: Ctx) => ctx.principal.tenantId;
const promiseLoader = (ctx: Ctx) => byIdLoader<PromiseRow>(ctx, 'promises', (m, ids) => findPromises(m, tenant(ctx), ids));

/** Thin: GraphQL in, a use case or a store read, GraphQL out. */
export const promiseResolvers: Resolvers = {
  Query: {
    promiseToPay: (_: unknown, { id }: { id: string }, ctx: Ctx) => (isUuid(id) ? promiseLoader(ctx).load(id) : null),
  },
  Apartment: {
    activePromiseToPay: (a: ApartmentRow, _: unknown, ctx: Ctx) => ctx.tx((m) => activePromise(m, tenant(ctx), a.id)),
    promisesToPay: (a: ApartmentRow, args: PageArgs, ctx: Ctx) => ctx.tx((m) => pagePromises(m, tenant(ctx), a.id, args)),
  },
  PromiseToPay: {
    apartment: (p: PromiseRow, _: unknown, ctx: Ctx) => apartmentLoader(ctx).load(p.apartmentId),
    instalments: (p: PromiseRow) => p.instalments.map((i) => ({ dueOn: i.dueOn, amount: money(i.amountMinor, p.currency) })),
    total: (p: PromiseRow) => money(p.totalMinor, p.currency),
    paid: (p: PromiseRow) => money(p.paidMinor, p.currency),
    status: (p: PromiseRow) => p.status.toUpperCase(),
  },
  Mutation: {
    makePromiseToPay: async (_: unknown, { input }: Input, ctx: Ctx) => {
      const id = await ctx.tx((m) => makePromiseToPay(m, ctx.runtime.registry, { ...who(ctx), input }));
      return { promise: (await ctx.tx((m) => findPromises(m, tenant(ctx), [id])))[0] };
    },
    evaluatePromisesToPay: async (_: unknown, { input }: Input, ctx: Ctx) => {
      return ctx.tx((m) => evaluatePromisesToPay(m, ctx.runtime.registry, { ...who(ctx), input }));
    },
  },
};
