import { byIdLoader, isUuid, money, type PageArgs, type RequestContext, type Resolvers } from '@commonhold/kit';
import { apartmentLoader, buildingLoader, loadApartment, loadBuilding } from '../buildings';
import { agingRows, balanceOut, calendarDate, todayUtc } from '../ledger';
import { activePromise } from '../promises';
import { requireGlobalScope } from '../../shared/access';
import { who } from '../../shared/core.resolvers';
import { candidatePolicies, currentVersion, findPolicy, pageVersions, type PolicyRow } from './dunning.store';
import { effectivePolicy, lateFeesDue, nextStep } from './policy';
import { removeDunningPolicyOverride, resolveScope, setDunningPolicy } from './set-policy';

type Ctx = RequestContext;
type Input = { input: Record<string, any> & { idempotencyKey: string } };
type ScopeArgs = { scope: string; buildingId?: string | null; apartmentId?: string | null };
const tenant = (ctx: Ctx) => ctx.principal.tenantId;
const up = (v: string | null | undefined) => (v == null ? null : v === 'd90Plus' ? 'D90_PLUS' : v.toUpperCase());
const policyLoader = (ctx: Ctx) => byIdLoader<PolicyRow>(ctx, 'dunning-policies', async (m, ids) => (await Promise.all(ids.map((id) => findPolicy(m, tenant(ctx), id)))).filter((p) => p !== null));

/** A scope read: an unknown building or apartment reads as nothing rather than an error. */
const readScope = (ctx: Ctx, args: ScopeArgs) => ctx.tx((m) => resolveScope(m, tenant(ctx), args).catch(() => null));

async function preview(ctx: Ctx, apartmentId: string, asOfArg: unknown) {
  const asOf = asOfArg == null ? todayUtc() : calendarDate('asOf', asOfArg);
  return ctx.tx(async (m) => {
    const apartment = await loadApartment(m, tenant(ctx), apartmentId, 'apartmentId').catch(() => null);
    if (!apartment) return null;
    const building = await loadBuilding(m, tenant(ctx), apartment.buildingId);
    const [row] = await agingRows(m, tenant(ctx), asOf, { apartmentIds: [apartment.id] });
    const balance = balanceOut(row, asOf, building.currency);
    const policy = effectivePolicy(await candidatePolicies(m, tenant(ctx), apartment.buildingId, apartment.id), apartment.id, apartment.buildingId) as PolicyRow | null;
    const promiseActive = (await activePromise(m, tenant(ctx), apartment.id)) !== null;
    const state = { asOf, overdueMinor: balance.aging.overdue.amountMinor, oldestDaysPastDue: balance.oldestDaysPastDue, promiseActive };
    const decision = policy?.document ? nextStep(policy.document, state, []) : ({ action: 'none', reason: 'no dunning policy applies' } as const);
    const fees = policy?.document ? lateFeesDue(policy.document.lateFees, { ...state, charged: [] }) : [];
    const d = decision as Record<string, any>;
    return {
      apartment,
      asOf,
      policy,
      balance,
      promiseActive,
      action: decision.action.toUpperCase(),
      stepKey: d.stepKey ?? null,
      channel: up(d.channel),
      template: d.template ?? null,
      attempt: d.attempt ?? null,
      until: d.until ?? null,
      escalation: up(d.escalation),
      reason: d.reason ?? null,
      lateFees: fees.map((f) => ({ rule: f.rule, amount: money(f.amountMinor, building.currency) })),
    };
  });
}

/** Thin: GraphQL in, a use case or a read, GraphQL out. */
export const dunningResolvers: Resolvers = {
  Query: {
    dunningPolicy: async (_: unknown, args: ScopeArgs, ctx: Ctx) => {
      const s = await readScope(ctx, args);
      if (!s) return null;
      const row = await ctx.tx((m) => currentVersion(m, tenant(ctx), s));
      return row?.document ? row : null;
    },
    dunningPolicyVersions: async (_: unknown, args: ScopeArgs & PageArgs, ctx: Ctx) => {
      const s = await readScope(ctx, args);
      if (!s) return { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
      return ctx.tx((m) => pageVersions(m, tenant(ctx), s, args));
    },
    dunningPreview: (_: unknown, args: { apartmentId: string; asOf?: string }, ctx: Ctx) => (isUuid(args.apartmentId) ? preview(ctx, args.apartmentId, args.asOf) : null),
  },
  DunningPolicy: {
    scope: (p: PolicyRow) => p.scope.toUpperCase(),
    building: (p: PolicyRow, _: unknown, ctx: Ctx) => (p.buildingId ? buildingLoader(ctx).load(p.buildingId) : null),
    apartment: (p: PolicyRow, _: unknown, ctx: Ctx) => (p.apartmentId ? apartmentLoader(ctx).load(p.apartmentId) : null),
    removed: (p: PolicyRow) => p.document === null,
    steps: (p: PolicyRow) =>
      (p.document?.steps ?? []).map((s) => ({ ...s, bucket: up(s.bucket), channel: up(s.channel), escalation: up(s.escalation) })),
    lateFees: (p: PolicyRow) => (p.document?.lateFees ?? []).map((r) => ({ ...r, kind: up(r.kind), frequency: up(r.frequency) })),
  },
  Mutation: {
    setDunningPolicy: async (_: unknown, { input }: Input, ctx: Ctx) => {
      if (String(input.scope).toUpperCase() === 'TENANT') requireGlobalScope(ctx.principal, 'The tenant’s default policy');
      const id = await ctx.tx((m) => setDunningPolicy(m, { ...who(ctx), input }));
      return { policy: await policyLoader(ctx).load(id) };
    },
    removeDunningPolicyOverride: async (_: unknown, { input }: Input, ctx: Ctx) => {
      const id = await ctx.tx((m) => removeDunningPolicyOverride(m, { ...who(ctx), input }));
      return { policy: await policyLoader(ctx).load(id) };
    },
  },
};
