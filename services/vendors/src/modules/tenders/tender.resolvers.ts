import { badInput, byIdLoader, manyOf, CREATED_AT_ID, cursorInstant, isUuid, keysetPage, money, type PageArgs, type RequestContext, type Resolvers } from '@commonhold/kit';
import { credentialsOf, credentialStatusOf, eligibility, findVendors, kpisOf, requirePortal, requirePortalFor, toCredential, who } from '../vendors';
import { loadWorkOrder } from '../work-orders';
import { awardTender, createTender, endTender, inviteTenderVendors, publishTender, submitTenderOffer } from './manage-tenders';
import { rankOffers, TENDER_STATUSES } from './tender';
import { findOffer, findTender, invitedVendorIds, offersOf, pageTenders, type OfferRow, type TenderRow } from './tender.store';

const up = (s: string) => s.toUpperCase();
const today = () => new Date().toISOString().slice(0, 10);

const tenderOut = (t: TenderRow) => ({
  id: t.id, workOrderId: t.work_order_id, buildingId: t.building_id, category: t.category, title: t.title, currency: t.currency,
  status: up(t.status), awardedOfferId: t.awarded_offer_id, createdAt: t.created_at, updatedAt: t.updated_at,
});
type TenderOut = ReturnType<typeof tenderOut>;

const offerOut = (o: OfferRow) => ({
  id: o.id, tenderId: o.tender_id, vendorId: o.vendor_id, price: money(o.price_minor, o.currency), durationDays: o.duration_days,
  validUntil: o.valid_until, notes: o.notes, status: up(o.status), createdAt: o.created_at,
});

const tenderPayload = async (ctx: RequestContext, id: string) => ({ tender: tenderOut((await ctx.tx((m) => findTender(m, ctx.principal.tenantId, id)))!) });
type Input = { input: Record<string, unknown> };

/** Ranks the tender's offers with each vendor's KPIs and credentials (docs/vendors.md: the score). */
async function compare(ctx: RequestContext, tenderId: string) {
  const tenantId = ctx.principal.tenantId;
  return ctx.tx(async (m) => {
    const t = isUuid(tenderId) ? await findTender(m, tenantId, tenderId) : null;
    if (!t) return [];
    const offers = await offersOf(m, tenantId, t.id);
    const ids = [...new Set(offers.map((o) => o.vendor_id))];
    const vendors = await findVendors(m, tenantId, ids);
    const creds = await credentialsOf(m, tenantId, ids);
    const kpis = await kpisOf(m, tenantId, ids);
    const day = today();
    const facts = offers.map((o) => {
      const v = vendors.find((x) => x.id === o.vendor_id);
      const c = creds.filter((x) => x.vendor_id === o.vendor_id).map(toCredential);
      const e = v ? eligibility({ active: v.active, trades: v.trades, buildingIds: v.building_ids, credentials: c }, t.category, t.building_id, day) : { eligible: false, reasons: ['UNKNOWN_VENDOR'] };
      return { o, v, c, e };
    });
    const ranked = rankOffers(facts.map(({ o, e }) => ({ offerId: o.id, vendorId: o.vendor_id, priceMinor: Number(o.price_minor), durationDays: o.duration_days, validUntil: o.valid_until, vendorScore: kpis.get(o.vendor_id)?.score ?? null, eligible: e.eligible })), day);
    return ranked.map((r) => {
      const f = facts.find((x) => x.o.id === r.offerId)!;
      return {
        offer: offerOut(f.o), vendorName: f.v?.name ?? '', vendorScore: r.vendorScore, credentialStatus: up(credentialStatusOf(f.c, day)), eligible: f.e.eligible, ineligibleReasons: f.e.reasons,
        expired: r.expired, priceScore: r.priceScore, durationScore: r.durationScore, score: r.score, rank: r.rank,
      };
    });
  });
}

/** Thin: GraphQL in, a use case or a store read, GraphQL out. */
export const tenderResolvers: Resolvers = {
  Query: {
    tender: async (_: unknown, { id }: { id: string }, ctx) => {
      await requirePortalFor(ctx);
      const t = isUuid(id) ? await ctx.tx((m) => findTender(m, ctx.principal.tenantId, id)) : null;
      return t ? tenderOut(t) : null;
    },
    tenders: async (_: unknown, args: PageArgs & { status?: string | null }, ctx) => {
      await requirePortalFor(ctx);
      const status = args.status ? args.status.toLowerCase() : null;
      if (status && !(TENDER_STATUSES as readonly string[]).includes(status)) throw badInput('status', 'unknown status');
      const page = await keysetPage(args, { shape: CREATED_AT_ID, cursorOf: (r: TenderRow) => [cursorInstant(r.created_at), r.id] }, ({ after, take }) =>
        ctx.tx((m) => pageTenders(m, ctx.principal.tenantId, status, after, take)),
      );
      return { ...page, edges: page.edges.map((e) => ({ ...e, node: tenderOut(e.node) })) };
    },
    compareOffers: async (_: unknown, { tenderId }: { tenderId: string }, ctx) => compare(ctx, tenderId),
  },
  Mutation: {
    createTender: async (_: unknown, { input }: Input, ctx) => tenderPayload(ctx, await ctx.tx((m) => createTender(m, { ...who(ctx), input }))),
    inviteTenderVendors: async (_: unknown, { input }: Input, ctx) => tenderPayload(ctx, await ctx.tx((m) => inviteTenderVendors(m, { ...who(ctx), input }))),
    publishTender: async (_: unknown, { input }: Input, ctx) => tenderPayload(ctx, await ctx.tx((m) => publishTender(m, { ...who(ctx), input }))),
    endTender: async (_: unknown, { input }: Input, ctx) => tenderPayload(ctx, await ctx.tx((m) => endTender(m, { ...who(ctx), input }))),
    submitTenderOffer: async (_: unknown, { input }: Input, ctx) => {
      await requirePortal(ctx);
      const id = await ctx.tx((m) => submitTenderOffer(m, { ...who(ctx), input }));
      return { offer: offerOut((await ctx.tx((m) => findOffer(m, ctx.principal.tenantId, id)))!) };
    },
    awardTender: async (_: unknown, { input }: Input, ctx) => {
      const r = await ctx.tx((m) => awardTender(m, { ...who(ctx), input }));
      return { ...(await tenderPayload(ctx, r.tenderId)), workOrder: await loadWorkOrder(ctx, r.workOrderId) };
    },
  },
  Tender: {
    // One transaction for every reference of the request (`_entities` may carry hundreds): a connection, not one each.
    __resolveReference: async (ref: { id: string }, ctx: RequestContext) => {
      const t = await byIdLoader(ctx, 'tender-refs', (m, ids) => manyOf(ids, (id) => findTender(m, ctx.principal.tenantId, id))).load(ref.id);
      return t ? tenderOut(t) : null;
    },
    invitedVendorIds: async (t: TenderOut, _: unknown, ctx: RequestContext) => ctx.tx((m) => invitedVendorIds(m, ctx.principal.tenantId, t.id)),
    offers: async (t: TenderOut, _: unknown, ctx: RequestContext) => (await ctx.tx((m) => offersOf(m, ctx.principal.tenantId, t.id))).map(offerOut),
  },
};
