import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import DataLoader from 'dataloader';
import { AppError, CREATED_AT_ID, keysetPage, validIds, type RequestContext } from '@commonhold/kit';
import { contactLoader } from '../contacts';
import { giftLoader } from '../gifts';
import { loadSettings } from '../../shared/settings.store';
import { cancelGiftAidDeclaration } from './cancel-declaration';
import { createGiftAidClaim } from './create-claim';
import { utcDate } from './dates';
import { giftAidEligibility, type GiftAidReason } from './eligibility';
import { DECLARATION_COLUMNS, donorSnapshot, loadDeclarationsByContact, loadGiftFactsByIds, toDeclaration, type DeclarationRow } from './gift-aid.store';
import { recordGiftAidDeclaration } from './record-declaration';
import { buildScheduleRows, renderScheduleFiles, ScheduleError } from './schedule';
import { setGiftAidAggregationThreshold } from './set-threshold';

/** Gift Aid is a UK scheme: its amounts are pounds sterling. */
const gbp = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });

type Ctx = RequestContext;
const who = (ctx: Ctx) => ({ tenantId: ctx.principal.tenantId, actor: ctx.principal.userId });

interface ClaimOut {
  id: string;
  upTo: string;
  createdAt: Date;
  rowCount: number;
  giftCount: number;
  scheduleTotalMinor: number;
  totalDonationsMinor: number;
  adjustmentTotalMinor: number;
  adjustmentTaxMinor: number;
  taxRecoverableMinor: number;
  aggregationThresholdMinor: number;
}

const toClaim = (r: Record<string, any>): ClaimOut => ({
  id: r.id,
  upTo: r.up_to,
  createdAt: r.created_at,
  rowCount: r.row_count,
  giftCount: r.gift_count,
  scheduleTotalMinor: Number(r.schedule_total_minor),
  totalDonationsMinor: Number(r.total_donations_minor),
  adjustmentTotalMinor: Number(r.adjustment_total_minor),
  adjustmentTaxMinor: Number(r.adjustment_tax_minor),
  taxRecoverableMinor: Number(r.tax_recoverable_minor),
  aggregationThresholdMinor: Number(r.aggregation_threshold_minor),
});

interface ClaimItem {
  giftId: string;
  kind: 'CLAIM' | 'ADJUSTMENT';
  amountMinor: number;
  donationDate: string;
  adjustsClaimId: string | null;
  adjustmentReason: string | null;
  donor: { title: string | null; firstName: string | null; lastName: string | null; houseNameOrNumber: string | null; postcode: string | null; country: string | null };
}

function byKey<K extends string, V>(ctx: Ctx, name: string, load: (tenantId: string, keys: string[]) => Promise<Map<string, V>>, missing: V) {
  return ctx.loader(
    name,
    () =>
      new DataLoader<K, V>(async (keys) => {
        const valid = validIds(keys);
        const map = valid.length ? await load(ctx.principal.tenantId, valid) : new Map<string, V>();
        return keys.map((k) => map.get(k) ?? missing);
      }),
  );
}

const declarationLoader = (ctx: Ctx) =>
  byKey<string, DeclarationRow | null>(
    ctx,
    'giftAidDeclaration',
    (tenantId, ids) =>
      ctx.tx(async (m) => {
        const rows: Record<string, any>[] = await m.query(`SELECT ${DECLARATION_COLUMNS} FROM gift_aid_declarations WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, ids]);
        return new Map(rows.map((r) => [r.id, toDeclaration(r)]));
      }),
    null,
  );

const contactDeclarationsLoader = (ctx: Ctx) =>
  byKey<string, DeclarationRow[]>(ctx, 'giftAidDeclarationsByContact', (tenantId, ids) => ctx.tx((m) => loadDeclarationsByContact(m, tenantId, ids)), []);

const claimLoader = (ctx: Ctx) =>
  byKey<string, ClaimOut | null>(
    ctx,
    'giftAidClaim',
    (tenantId, ids) =>
      ctx.tx(async (m) => {
        const rows: Record<string, any>[] = await m.query(`SELECT * FROM gift_aid_claims WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, ids]);
        return new Map(rows.map((r) => [r.id, toClaim(r)]));
      }),
    null,
  );

const claimItemsLoader = (ctx: Ctx) =>
  byKey<string, ClaimItem[]>(
    ctx,
    'giftAidClaimItems',
    (tenantId, ids) =>
      ctx.tx(async (m) => {
        const rows: Record<string, any>[] = await m.query(
          `SELECT * FROM gift_aid_claim_items WHERE tenant_id = $1 AND claim_id = ANY($2::uuid[]) ORDER BY donation_date, gift_id`,
          [tenantId, ids],
        );
        const out = new Map<string, ClaimItem[]>();
        for (const r of rows) {
          const list = out.get(r.claim_id) ?? [];
          list.push({
            giftId: r.gift_id,
            kind: r.kind,
            amountMinor: Number(r.amount_minor),
            donationDate: r.donation_date,
            adjustsClaimId: r.adjusts_claim_id,
            adjustmentReason: r.adjustment_reason,
            donor: donorSnapshot(r),
          });
          out.set(r.claim_id, list);
        }
        return out;
      }),
    [],
  );

interface StatusOut {
  eligible: boolean;
  reason: GiftAidReason;
  claimId: string | null;
}

/** Eligibility of many gifts in three queries (settings, gift facts, their donors' declarations). */
const giftAidStatusLoader = (ctx: Ctx) =>
  byKey<string, StatusOut>(
    ctx,
    'giftAidStatus',
    (tenantId, ids) =>
      ctx.tx(async (m) => {
        const settings = await loadSettings(m);
        const facts = await loadGiftFactsByIds(m, tenantId, ids);
        const declarations = await loadDeclarationsByContact(m, tenantId, [...new Set(facts.map((f) => f.contactId))]);
        const today = utcDate(new Date());
        return new Map(
          facts.map((f) => {
            const e = giftAidEligibility(f, declarations.get(f.contactId) ?? [], { today, fiscalYearStartMonth: settings.fiscalYearStartMonth });
            return [f.id, { eligible: e.eligible, reason: e.reason, claimId: f.claimId }];
          }),
        );
      }),
    { eligible: false, reason: 'NO_DECLARATION', claimId: null },
  );

async function declarationPayload(ctx: Ctx, id: string) {
  return ctx.tx(async (m) => toDeclaration((await m.query(`SELECT ${DECLARATION_COLUMNS} FROM gift_aid_declarations WHERE id = $1`, [id]))[0]));
}

export const giftAidResolvers: GraphQLResolverMap<Ctx> = {
  Query: {
    giftAidDeclaration: (_: unknown, { id }: { id: string }, ctx: Ctx) => declarationLoader(ctx).load(id),
    giftAidClaim: (_: unknown, { id }: { id: string }, ctx: Ctx) => claimLoader(ctx).load(id),
    giftAidClaims: (_: unknown, args: { first?: number; after?: string }, ctx: Ctx) =>
      keysetPage(args, { shape: CREATED_AT_ID, cursorOf: (c: ClaimOut) => [c.createdAt.toISOString(), c.id] }, async ({ after, take }) => {
        const rows: Record<string, any>[] = await ctx.tx((m) =>
          m.query(
            `SELECT * FROM gift_aid_claims WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
             ORDER BY created_at DESC, id DESC LIMIT $4`,
            [ctx.principal.tenantId, after?.[0] ?? null, after?.[1] ?? null, take],
          ),
        );
        return rows.map(toClaim);
      }),
    giftAidAggregationThresholds: (_: unknown, __: unknown, ctx: Ctx) =>
      ctx.tx(async (m) => {
        const rows: Record<string, any>[] = await m.query(`SELECT effective_from, amount_minor FROM gift_aid_aggregation_thresholds WHERE tenant_id = $1 ORDER BY effective_from`, [
          ctx.principal.tenantId,
        ]);
        return rows.map((r) => ({ effectiveFrom: r.effective_from, amountMinor: Number(r.amount_minor) }));
      }),
  },
  Mutation: {
    recordGiftAidDeclaration: async (_: unknown, { input }: { input: Parameters<typeof recordGiftAidDeclaration>[2]['input'] }, ctx: Ctx) => {
      const r = await ctx.tx((m) => recordGiftAidDeclaration(m, ctx.runtime.registry, { ...who(ctx), input }));
      return { declaration: await declarationPayload(ctx, r.declarationId), superseded: await Promise.all(r.supersededIds.map((id) => declarationPayload(ctx, id))) };
    },
    cancelGiftAidDeclaration: async (_: unknown, { input }: { input: Parameters<typeof cancelGiftAidDeclaration>[2]['input'] }, ctx: Ctx) => {
      const r = await ctx.tx((m) => cancelGiftAidDeclaration(m, ctx.runtime.registry, { ...who(ctx), input }));
      return { declaration: await declarationPayload(ctx, r.declarationId) };
    },
    createGiftAidClaim: async (_: unknown, { input }: { input: Parameters<typeof createGiftAidClaim>[2]['input'] }, ctx: Ctx) => {
      const r = await ctx.tx((m) => createGiftAidClaim(m, ctx.runtime.registry, { ...who(ctx), input }));
      return { claim: await claimLoader(ctx).load(r.claimId) };
    },
    setGiftAidAggregationThreshold: async (_: unknown, { input }: { input: Parameters<typeof setGiftAidAggregationThreshold>[1]['input'] }, ctx: Ctx) => ({
      threshold: await ctx.tx((m) => setGiftAidAggregationThreshold(m, { ...who(ctx), input })),
    }),
  },
  Contact: {
    giftAidDeclarations: (c: { id: string }, _: unknown, ctx: Ctx) => contactDeclarationsLoader(ctx).load(c.id),
  },
  Gift: {
    giftAid: (g: { id: string }, _: unknown, ctx: Ctx) => giftAidStatusLoader(ctx).load(g.id),
  },
  GiftAidAggregationThreshold: {
    amount: (t: { amountMinor: number }) => gbp(t.amountMinor),
  },
  GiftAidDeclaration: {
    contact: (d: DeclarationRow, _: unknown, ctx: Ctx) => contactLoader(ctx).load(d.contactId),
    gift: (d: DeclarationRow, _: unknown, ctx: Ctx) => (d.giftId ? giftLoader(ctx).load(d.giftId) : null),
  },
  GiftAidClaim: {
    scheduleTotal: (c: ClaimOut) => gbp(c.scheduleTotalMinor),
    totalDonations: (c: ClaimOut) => gbp(c.totalDonationsMinor),
    adjustmentTotal: (c: ClaimOut) => gbp(c.adjustmentTotalMinor),
    adjustmentTax: (c: ClaimOut) => gbp(c.adjustmentTaxMinor),
    taxRecoverable: (c: ClaimOut) => gbp(c.taxRecoverableMinor),
    aggregationThreshold: (c: ClaimOut) => gbp(c.aggregationThresholdMinor),
    adjustments: async (c: ClaimOut, _: unknown, ctx: Ctx) =>
      (await claimItemsLoader(ctx).load(c.id))
        .filter((i) => i.kind === 'ADJUSTMENT')
        .map((i) => ({ giftId: i.giftId, amountMinor: i.amountMinor, originalClaimId: i.adjustsClaimId, reason: i.adjustmentReason })),
    scheduleFiles: async (c: ClaimOut, _: unknown, ctx: Ctx) => {
      const donations = (await claimItemsLoader(ctx).load(c.id))
        .filter((i) => i.kind === 'CLAIM')
        .map((i) => ({ giftId: i.giftId, donationDate: i.donationDate, amountMinor: i.amountMinor, donor: i.donor }));
      try {
        return renderScheduleFiles(buildScheduleRows(donations, c.aggregationThresholdMinor), { claimId: c.id, today: utcDate(new Date()) });
      } catch (err) {
        if (err instanceof ScheduleError) throw new AppError('CONFLICT', `The schedule cannot be produced: ${err.message}`);
        throw err;
      }
    },
  },
  GiftAidClaimAdjustment: {
    amount: (a: { amountMinor: number }) => gbp(a.amountMinor),
    gift: (a: { giftId: string }, _: unknown, ctx: Ctx) => giftLoader(ctx).load(a.giftId),
  },
};
