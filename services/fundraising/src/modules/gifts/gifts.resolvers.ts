import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import DataLoader from 'dataloader';
import { CREATED_AT_ID, cursorInstant, isUuid, keysetPage, money, validIds, type RequestContext } from '@commonhold/kit';
import { contactLoader } from '../contacts';
import { giftLoader } from './gift.loader';
import type { ContactRow } from '../contacts';
import { loadSettings } from '../../shared/settings.store';
import { createOpportunity } from './create-opportunity';
import { GiftEntity, type GiftRow } from './gift.entity';
import { summariseGiving, type CurrencyRollup } from './giving-rollup';
import { opportunityProgress } from './opportunity';
import type { OpportunityRow } from './opportunity.store';
import { rebuildRollups } from './rebuild-rollups';
import { recordGift, refundGift, type RecordGiftInput } from './record-gift';
import { updateOpportunity } from './update-opportunity';

type Ctx = RequestContext;
const actor = (ctx: Ctx) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId });

/** Loads rows of a table grouped by one uuid column, one query per request and key set. */
function groupLoader<T extends Record<string, unknown>>(ctx: Ctx, name: string, sql: string, keyColumn: string) {
  return ctx.loader(
    name,
    () =>
      new DataLoader<string, T[]>(async (keys) => {
        const valid = validIds(keys);
        const rows: T[] = valid.length ? await ctx.tx((m) => m.query(sql, [valid])) : [];
        return keys.map((k) => rows.filter((r) => r[keyColumn] === k));
      }),
  );
}

interface RollupDbRow {
  subject_id: string;
  currency: string;
  total_minor: string;
  gift_count: number;
  smallest_minor: string | null;
  largest_minor: string | null;
  first_gift_at: Date | null;
  first_gift_minor: string | null;
  last_gift_at: Date | null;
  last_gift_minor: string | null;
  by_fiscal_year: Record<string, number | string>;
  soft_credit_minor: string;
}

const num = (v: string | number | null) => (v === null ? null : Number(v));
const toRollup = (r: RollupDbRow): CurrencyRollup => ({
  currency: r.currency,
  totalMinor: Number(r.total_minor),
  giftCount: r.gift_count,
  smallestMinor: num(r.smallest_minor),
  largestMinor: num(r.largest_minor),
  firstGiftAt: r.first_gift_at,
  firstGiftMinor: num(r.first_gift_minor),
  lastGiftAt: r.last_gift_at,
  lastGiftMinor: num(r.last_gift_minor),
  byFiscalYear: Object.fromEntries(Object.entries(r.by_fiscal_year).map(([k, v]) => [k, Number(v)])),
  softCreditMinor: Number(r.soft_credit_minor),
});

/** `Giving` of contacts or households: rollup rows + the sliding 365-day window, batched per request. */
function givingLoader(ctx: Ctx, subject: 'CONTACT' | 'HOUSEHOLD') {
  return ctx.loader(
    `giving:${subject}`,
    () =>
      new DataLoader<string, ReturnType<typeof summariseGiving>>(async (ids) => {
        const valid = validIds(ids);
        const { rows, windows, settings } = await ctx.tx(async (m) => {
          const settings = await loadSettings(m);
          const rows: RollupDbRow[] = await m.query(`SELECT * FROM giving_rollups WHERE subject_type = $1 AND subject_id = ANY($2::uuid[])`, [subject, valid]);
          const member = subject === 'CONTACT' ? 'g.contact_id' : 'c.household_id';
          const windows: { subject_id: string; currency: string; total: string }[] = await m.query(
            `SELECT ${member} AS subject_id, g.currency, sum(g.amount_minor - g.refunded_minor) AS total
             FROM gifts g ${subject === 'HOUSEHOLD' ? 'JOIN contacts c ON c.id = g.contact_id' : ''}
             WHERE ${member} = ANY($1::uuid[]) AND g.kind <> 'PLEDGE' AND g.received_at > now() - interval '365 days' AND g.refunded_minor < g.amount_minor
             GROUP BY 1, 2`,
            [valid],
          );
          return { rows, windows, settings };
        });
        const now = new Date();
        return ids.map((id) =>
          summariseGiving(
            rows.filter((r) => r.subject_id === id).map(toRollup),
            {
              defaultCurrency: settings.defaultCurrency,
              now,
              fiscalStartMonth: settings.fiscalYearStartMonth,
              last365ByCurrency: Object.fromEntries(windows.filter((w) => w.subject_id === id).map((w) => [w.currency, Number(w.total)])),
            },
          ),
        );
      }),
  );
}

const GIFT_FILTERS: Record<string, string> = { kind: 'g.kind', campaignId: 'g.campaign_id', appealId: 'g.appeal_id', opportunityId: 'g.opportunity_id' };

/** Keyset page over (created_at DESC, id DESC), optionally for one contact and filtered. */
function giftPage(ctx: Ctx, args: { first?: number; after?: string; filter?: Record<string, string | null> | null }, contactId?: string) {
  return keysetPage(args, { shape: CREATED_AT_ID, cursorOf: (g: GiftRow) => [g.createdAt.toISOString(), g.id] }, async ({ after, take }) => {
    // A filter id that is not a uuid matches nothing.
    for (const [k, v] of Object.entries(args.filter ?? {})) if (v != null && k !== 'kind' && !isUuid(v)) return [];
    return ctx.tx((m) => {
      const qb = m.getRepository(GiftEntity).createQueryBuilder('g').orderBy('g.created_at', 'DESC').addOrderBy('g.id', 'DESC').limit(take);
      if (contactId) qb.andWhere('g.contact_id = :contactId', { contactId });
      for (const [k, v] of Object.entries(args.filter ?? {})) if (v != null) qb.andWhere(`${GIFT_FILTERS[k]} = :${k}`, { [k]: v });
      if (after) qb.andWhere('(g.created_at, g.id) < (:at::timestamptz, :id::uuid)', { at: after[0], id: after[1] });
      return qb.getMany();
    });
  });
}

const opportunityLoader = (ctx: Ctx) => ctx.loader('opportunity', () => new DataLoader<string, OpportunityRow | null>(async (ids) => {
  const valid = validIds(ids);
  const rows: OpportunityRow[] = valid.length ? await ctx.tx((m) => m.query(`SELECT * FROM opportunities WHERE id = ANY($1::uuid[])`, [valid])) : [];
  return ids.map((id) => rows.find((r) => r.id === id) ?? null);
}));

export const giftResolvers: GraphQLResolverMap<Ctx> = {
  Query: {
    gift: (_: unknown, { id }: { id: string }, ctx: Ctx) => giftLoader(ctx).load(id),
    gifts: (_: unknown, args: { first?: number; after?: string; filter?: Record<string, string | null> }, ctx: Ctx) => giftPage(ctx, args),
    opportunity: (_: unknown, { id }: { id: string }, ctx: Ctx) => opportunityLoader(ctx).load(id),
    opportunities: (_: unknown, args: { first?: number; after?: string; stage?: string | null }, ctx: Ctx) =>
      keysetPage(args, { shape: CREATED_AT_ID, cursorOf: (o: OpportunityRow) => [cursorInstant(o.created_at), o.id] }, ({ after, take }) =>
        ctx.tx((m) =>
          m.query(
            `SELECT * FROM opportunities WHERE ($1::text IS NULL OR stage = $1) AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
             ORDER BY created_at DESC, id DESC LIMIT $4`,
            [args.stage ?? null, after?.[0] ?? null, after?.[1] ?? null, take],
          ),
        ),
      ),
  },
  Mutation: {
    recordGift: async (_: unknown, { input }: { input: RecordGiftInput }, ctx: Ctx) => {
      const { giftId } = await ctx.tx((m) => recordGift(m, ctx.runtime.registry, { ...actor(ctx), input }));
      return { gift: await giftLoader(ctx).load(giftId) };
    },
    refundGift: async (_: unknown, { input }: { input: { giftId: string; amount?: unknown; reason?: string; refundedAt?: Date; idempotencyKey: string } }, ctx: Ctx) => {
      const { giftId, refundId } = await ctx.tx((m) => refundGift(m, ctx.runtime.registry, { ...actor(ctx), input }));
      const [gift, [refund]] = await Promise.all([giftLoader(ctx).load(giftId), ctx.tx((m) => m.query(`SELECT * FROM gift_refunds WHERE id = $1`, [refundId]))]);
      return { gift, refund };
    },
    rebuildRollups: (_: unknown, { input }: { input: { idempotencyKey: string } }, ctx: Ctx) => ctx.tx((m) => rebuildRollups(m, { ...actor(ctx), input })),
    createOpportunity: async (_: unknown, { input }: { input: Record<string, unknown> & { idempotencyKey: string } }, ctx: Ctx) => {
      const id = await ctx.tx((m) => createOpportunity(m, { ...actor(ctx), input }));
      return { opportunity: await opportunityLoader(ctx).load(id) };
    },
    updateOpportunity: async (_: unknown, { input }: { input: Record<string, unknown> & { idempotencyKey: string } }, ctx: Ctx) => {
      const id = await ctx.tx((m) => updateOpportunity(m, { ...actor(ctx), input }));
      return { opportunity: await opportunityLoader(ctx).load(id) };
    },
  },
  Contact: {
    giving: (c: ContactRow, _: unknown, ctx: Ctx) => givingLoader(ctx, 'CONTACT').load(c.id),
    gifts: (c: ContactRow, args: { first?: number; after?: string }, ctx: Ctx) => giftPage(ctx, args, c.id),
    opportunities: (c: ContactRow, _: unknown, ctx: Ctx) =>
      groupLoader<Record<string, unknown>>(ctx, 'contactOpportunities', `SELECT * FROM opportunities WHERE contact_id = ANY($1::uuid[]) ORDER BY close_date, id`, 'contact_id').load(c.id),
  },
  Household: {
    giving: (h: { id: string }, _: unknown, ctx: Ctx) => givingLoader(ctx, 'HOUSEHOLD').load(h.id),
  },
  Gift: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => giftLoader(ctx).load(ref.id),
    amount: (g: GiftRow) => money(g.amountMinor, g.currency),
    contact: (g: GiftRow, _: unknown, ctx: Ctx) => contactLoader(ctx).load(g.contactId),
    refunded: (g: GiftRow) => money(g.refundedMinor, g.currency),
    netAmount: (g: GiftRow) => money(g.amountMinor - g.refundedMinor, g.currency),
    benefitValue: (g: GiftRow) => money(g.benefitMinor, g.currency),
    campaign: (g: GiftRow, _: unknown, ctx: Ctx) =>
      g.campaignId ? groupLoader(ctx, 'campaign', `SELECT * FROM campaigns WHERE id = ANY($1::uuid[])`, 'id').load(g.campaignId).then((r) => r[0] ?? null) : null,
    appeal: (g: GiftRow, _: unknown, ctx: Ctx) =>
      g.appealId ? groupLoader(ctx, 'appeal', `SELECT * FROM appeals WHERE id = ANY($1::uuid[])`, 'id').load(g.appealId).then((r) => r[0] ?? null) : null,
    opportunity: (g: GiftRow, _: unknown, ctx: Ctx) => (g.opportunityId ? opportunityLoader(ctx).load(g.opportunityId) : null),
    allocations: async (g: GiftRow, _: unknown, ctx: Ctx) => {
      const rows = await groupLoader<{ fund_id: string; amount_minor: string; code: string; name: string; restricted: boolean }>(
        ctx,
        'allocations',
        `SELECT a.gift_id, a.fund_id, a.amount_minor, f.code, f.name, f.restricted FROM gift_allocations a JOIN funds f ON f.id = a.fund_id WHERE a.gift_id = ANY($1::uuid[]) ORDER BY f.code`,
        'gift_id',
      ).load(g.id);
      return rows.map((r) => ({ fund: { id: r.fund_id, code: r.code, name: r.name, restricted: r.restricted }, amount: money(r.amount_minor, g.currency) }));
    },
    softCredits: async (g: GiftRow, _: unknown, ctx: Ctx) => {
      const rows = await groupLoader<{ contact_id: string; role: string; amount_minor: string }>(
        ctx,
        'softCredits',
        `SELECT * FROM soft_credits WHERE gift_id = ANY($1::uuid[]) ORDER BY role, contact_id`,
        'gift_id',
      ).load(g.id);
      return Promise.all(rows.map(async (r) => ({ contact: await contactLoader(ctx).load(r.contact_id), role: r.role, amount: money(r.amount_minor, g.currency) })));
    },
    refunds: async (g: GiftRow, _: unknown, ctx: Ctx) =>
      (await groupLoader<Record<string, unknown>>(ctx, 'refunds', `SELECT * FROM gift_refunds WHERE gift_id = ANY($1::uuid[]) ORDER BY refunded_at, id`, 'gift_id').load(g.id)),
    pledge: (g: GiftRow, _: unknown, ctx: Ctx) => (g.pledgeId ? giftLoader(ctx).load(g.pledgeId) : null),
    pledgePayments: async (g: GiftRow, _: unknown, ctx: Ctx) => {
      if (g.kind !== 'PLEDGE') return [];
      const rows = await groupLoader<{ id: string }>(ctx, 'pledgePayments', `SELECT id, pledge_id FROM gifts WHERE pledge_id = ANY($1::uuid[]) ORDER BY received_at, id`, 'pledge_id').load(g.id);
      return Promise.all(rows.map((r) => giftLoader(ctx).load(r.id)));
    },
    pledgeOutstanding: async (g: GiftRow, _: unknown, ctx: Ctx) => {
      if (g.kind !== 'PLEDGE') return null;
      const rows = await groupLoader<{ net: string }>(
        ctx,
        'pledgePaid',
        `SELECT pledge_id, (amount_minor - refunded_minor) AS net FROM gifts WHERE pledge_id = ANY($1::uuid[])`,
        'pledge_id',
      ).load(g.id);
      return money(Math.max(0, g.amountMinor - rows.reduce((s, r) => s + Number(r.net), 0)), g.currency);
    },
  },
  GiftRefund: {
    amount: (r: { amount_minor: string; gift_id: string }, _: unknown, ctx: Ctx) => giftLoader(ctx).load(r.gift_id).then((g) => money(r.amount_minor, g!.currency)),
    refundedAt: (r: { refunded_at: Date }) => r.refunded_at,
  },
  Opportunity: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => opportunityLoader(ctx).load(ref.id),
    contact: (o: OpportunityRow, _: unknown, ctx: Ctx) => contactLoader(ctx).load(o.contact_id),
    expectedAmount: (o: OpportunityRow) => money(o.expected_minor, o.currency),
    closeDate: (o: OpportunityRow) => o.close_date,
    lostReason: (o: OpportunityRow) => o.lost_reason,
    createdAt: (o: OpportunityRow) => o.created_at,
    updatedAt: (o: OpportunityRow) => o.updated_at,
    received: async (o: OpportunityRow, _: unknown, ctx: Ctx) => money(await opportunityReceived(ctx, o), o.currency),
    outstanding: async (o: OpportunityRow, _: unknown, ctx: Ctx) =>
      money(opportunityProgress(Number(o.expected_minor), await opportunityReceived(ctx, o), o.stage).outstandingMinor, o.currency),
    gifts: async (o: OpportunityRow, _: unknown, ctx: Ctx) => {
      const rows = await groupLoader<{ id: string }>(ctx, 'opportunityGifts', `SELECT id, opportunity_id FROM gifts WHERE opportunity_id = ANY($1::uuid[]) ORDER BY received_at, id`, 'opportunity_id').load(o.id);
      return Promise.all(rows.map((r) => giftLoader(ctx).load(r.id)));
    },
  },
};

/** Net received on an opportunity: linked gifts except pledges (a pledge is not money received). */
async function opportunityReceived(ctx: Ctx, o: OpportunityRow): Promise<number> {
  const rows = await groupLoader<{ net: string }>(
    ctx,
    'opportunityReceived',
    `SELECT opportunity_id, sum(amount_minor - refunded_minor) AS net FROM gifts WHERE opportunity_id = ANY($1::uuid[]) AND kind <> 'PLEDGE' GROUP BY opportunity_id`,
    'opportunity_id',
  ).load(o.id);
  return Number(rows[0]?.net ?? 0);
}
