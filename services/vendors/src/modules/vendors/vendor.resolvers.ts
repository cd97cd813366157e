import { badInput, CREATED_AT_ID, cursorInstant, isUuid, keysetPage, type PageArgs, type RequestContext, type Resolvers } from '@commonhold/kit';
import DataLoader from 'dataloader';
import { loadVendor, vendorOut, who, type VendorOut } from './vendor-read';
import { createVendor, recordCredential, updateVendor } from './manage-vendors';
import { credentialStanding, credentialStatusOf, eligibility, parseTrades, TRADE_PATTERN } from './vendor';
import { kpisOf, preferredNow, windowStart } from './vendor-kpis';
import { credentialsOf, findVendor, pageVendors, toCredential, vendorFacts, type CredentialRow, type VendorRow } from './vendor.store';
import { requirePortalFor } from './portal';

const up = (s: string) => s.toUpperCase();
const today = () => new Date().toISOString().slice(0, 10);

const credentialOut = (c: CredentialRow) => ({
  id: c.id,
  kind: c.kind,
  recordedStatus: up(c.status),
  status: up(credentialStanding(toCredential(c), today())),
  expiresOn: c.expires_on,
  reference: c.reference,
  updatedAt: c.updated_at,
});

const credentialsLoader = (ctx: RequestContext) => ctx.loader('vendor-credentials', () => new DataLoader<string, CredentialRow[]>(async (ids) => {
  const rows = await ctx.tx((m) => credentialsOf(m, ctx.principal.tenantId, ids));
  return ids.map((id) => rows.filter((r) => r.vendor_id === id));
}));

const preferredLoader = (ctx: RequestContext) => ctx.loader('preferred', () => new DataLoader<string, Map<string, { vendorId: string; score: number }>>(async (keys) => {
  const p = await preferredNow(ctx.runtime.ds, ctx.principal.tenantId);
  return keys.map(() => p);
}));
const preferredTradesOf = async (ctx: RequestContext, vendorId: string) =>
  [...(await preferredLoader(ctx).load('all'))].filter(([, w]) => w.vendorId === vendorId).map(([t]) => t).sort();

async function kpiCards(ctx: RequestContext, ids: string[]) {
  const now = new Date();
  const kpis = await ctx.tx((m) => kpisOf(m, ctx.principal.tenantId, ids, now));
  return Promise.all(ids.map(async (id) => ({ vendorId: id, windowStart: windowStart(now), ...kpis.get(id)!, preferredTrades: await preferredTradesOf(ctx, id) })));
}

const vendorPayload = async (ctx: RequestContext, id: string) => ({ vendor: (await loadVendor(ctx, id))! });

/** Thin: GraphQL in, a use case or a store read, GraphQL out. */
export const vendorResolvers: Resolvers = {
  Query: {
    vendorPortalEnabled: async (_: unknown, __: unknown, ctx) => ctx.feature.isOn('ENABLE_VENDOR_PORTAL'),
    vendor: async (_: unknown, { id }: { id: string }, ctx) => {
      await requirePortalFor(ctx);
      return loadVendor(ctx, id);
    },
    vendors: async (_: unknown, args: PageArgs & { trade?: string | null }, ctx) => {
      await requirePortalFor(ctx);
      if (args.trade != null && !TRADE_PATTERN.test(args.trade)) throw badInput('trade', 'a trade is lower-case letters, digits and dashes');
      const page = await keysetPage(args, { shape: CREATED_AT_ID, cursorOf: (r: VendorRow) => [cursorInstant(r.created_at), r.id] }, ({ after, take }) =>
        ctx.tx((m) => pageVendors(m, ctx.principal.tenantId, args.trade ?? null, after, take)),
      );
      return { ...page, edges: page.edges.map((e) => ({ ...e, node: vendorOut(e.node) })) };
    },
    vendorKpis: async (_: unknown, { vendorIds }: { vendorIds: string[] }, ctx) => {
      await requirePortalFor(ctx);
      if (vendorIds.length > 100) throw badInput('vendorIds', 'at most 100 vendors at a time');
      const visible = (await Promise.all(vendorIds.map((id) => loadVendor(ctx, id)))).filter((v): v is VendorOut => !!v);
      return kpiCards(ctx, [...new Set(visible.map((v) => v.id))]);
    },
    preferredVendors: async (_: unknown, { trade }: { trade?: string | null }, ctx) => {
      await requirePortalFor(ctx);
      if (trade != null) parseTrades('trade', [trade]);
      const winners = [...(await preferredLoader(ctx).load('all'))].filter(([t]) => trade == null || t === trade).sort(([a], [b]) => a.localeCompare(b));
      const out = await Promise.all(winners.map(async ([t, w]) => ({ trade: t, vendor: await loadVendor(ctx, w.vendorId), score: w.score })));
      return out.filter((p) => p.vendor);
    },
    vendorEligibility: async (_: unknown, args: { vendorId: string; trade: string; buildingId: string }, ctx) => {
      await requirePortalFor(ctx);
      if (!isUuid(args.buildingId)) throw badInput('buildingId', 'buildingId is a uuid');
      parseTrades('trade', [args.trade]);
      const v = isUuid(args.vendorId) ? await ctx.tx((m) => findVendor(m, ctx.principal.tenantId, args.vendorId)) : null;
      if (!v) throw badInput('vendorId', 'No such vendor');
      const facts = await ctx.tx((m) => vendorFacts(m, ctx.principal.tenantId, v));
      return { vendorId: v.id, ...eligibility(facts, args.trade, args.buildingId.toLowerCase(), today()) };
    },
  },
  Mutation: {
    createVendor: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx) => vendorPayload(ctx, await ctx.tx((m) => createVendor(m, { ...who(ctx), input }))),
    updateVendor: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx) => vendorPayload(ctx, await ctx.tx((m) => updateVendor(m, { ...who(ctx), input }))),
    recordVendorCredential: async (_: unknown, { input }: { input: Record<string, unknown> }, ctx) => vendorPayload(ctx, await ctx.tx((m) => recordCredential(m, { ...who(ctx), input }))),
  },
  Vendor: {
    __resolveReference: async (ref: { id: string }, ctx: RequestContext) => loadVendor(ctx, ref.id),
    credentials: async (v: VendorOut, _: unknown, ctx: RequestContext) => (await credentialsLoader(ctx).load(v.id)).map(credentialOut),
    credentialStatus: async (v: VendorOut, _: unknown, ctx: RequestContext) => up(credentialStatusOf((await credentialsLoader(ctx).load(v.id)).map(toCredential), today())),
    preferredTrades: async (v: VendorOut, _: unknown, ctx: RequestContext) => preferredTradesOf(ctx, v.id),
    kpis: async (v: VendorOut, _: unknown, ctx: RequestContext) => (await kpiCards(ctx, [v.id]))[0],
  },
};
