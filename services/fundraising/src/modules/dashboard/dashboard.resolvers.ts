import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { Histogram, type Registry } from 'prom-client';
import { badInput, money, type RequestContext } from '@commonhold/kit';
import { contactLoader } from '../contacts';
import { loadSettings } from '../../shared/settings.store';
import { addDays, changePercent, fiscalYearOf, fiscalYearStart, monthsBetween, spanDays, yearPeriods, type YearPeriods } from './periods';
import * as q from './dashboard.store';

type Ctx = RequestContext;
const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
/** Longest from..to range (about 10 years). */
export const MAX_RANGE_DAYS = 3_660;

const histograms = new WeakMap<Registry, Histogram<'query'>>();

/** `fundraising_dashboard_duration_seconds{query}` on the service's registry (created once). */
export function dashboardHistogram(registry: Registry): Histogram<'query'> {
  let h = histograms.get(registry);
  if (!h) {
    h = new Histogram({
      name: 'fundraising_dashboard_duration_seconds',
      help: 'Fundraising dashboard query duration by query (totals, retention, top donors)',
      labelNames: ['query'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    histograms.set(registry, h);
  }
  return h;
}

async function timed<T>(ctx: Ctx, query: string, fn: () => Promise<T>): Promise<T> {
  const end = dashboardHistogram(ctx.runtime.metrics.registry).startTimer({ query });
  try {
    return await fn();
  } finally {
    end();
  }
}

interface Dashboard {
  from: string;
  to: string;
  currency: string;
  scope: q.Scope;
  years: YearPeriods;
}

const amount = (v: string | number) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`dashboard total ${v} exceeds Money.amountMinor (SafeInt, 2^53 - 1)`);
  return n;
};

const bucketOut = (currency: string, fallbackName: string) => (b: q.Bucket) => ({
  id: b.id,
  code: b.code,
  name: b.name ?? fallbackName,
  total: money(amount(b.total), currency),
  giftCount: b.gifts,
});

/** Most top donors a request may ask for. */
const MAX_TOP_DONORS = 100;

/**
 * The range totals (months, campaigns, appeals, and the total the fund bucket needs) are one query
 * shared by the fields that need them, once per request and dashboard input.
 */
const rangeTotals = (d: Dashboard, ctx: Ctx) =>
  ctx.loader(`fundraising-dashboard:${d.currency}:${d.from}:${d.to}`, () => timed(ctx, 'totals', () => ctx.tx((m) => q.rangeTotals(m, d.scope))));

export const dashboardResolvers: GraphQLResolverMap<Ctx> = {
  Query: {
    fundraisingDashboard: async (_: unknown, { input }: { input?: { from?: string | null; to?: string | null; currency?: string | null } | null }, ctx: Ctx): Promise<Dashboard> => {
      const settings = await ctx.tx((m) => loadSettings(m));
      const today = new Date().toISOString().slice(0, 10);
      const to = input?.to ?? today;
      const from = input?.from ?? fiscalYearStart(fiscalYearOf(to, settings.fiscalYearStartMonth), settings.fiscalYearStartMonth);
      if (from > to) throw badInput('input.from', `from (${from}) must not be after to (${to})`);
      if (spanDays(from, to) > MAX_RANGE_DAYS) throw badInput('input.from', 'from..to may span at most 10 years');
      const currency = input?.currency ?? settings.defaultCurrency;
      if (!/^[A-Z]{3}$/.test(currency) || !ISO_CURRENCIES.has(currency)) throw badInput('input.currency', 'currency must be an ISO 4217 code such as GBP');
      return {
        from,
        to,
        currency,
        scope: { tenantId: ctx.principal.tenantId, currency, from, toEnd: addDays(to, 1) },
        years: yearPeriods(to, settings.fiscalYearStartMonth),
      };
    },
  },
  FundraisingDashboard: {
    totalsByMonth: async (d: Dashboard, _: unknown, ctx: Ctx) => {
      const byMonth = new Map((await rangeTotals(d, ctx)).byMonth.map((r) => [r.month, r]));
      return monthsBetween(d.from, d.to).map((month) => {
        const r = byMonth.get(month);
        return { month, total: money(amount(r?.total ?? 0), d.currency), giftCount: r?.gifts ?? 0 };
      });
    },
    totalsByFund: async (d: Dashboard, _: unknown, ctx: Ctx) => {
      const [range, funds] = await Promise.all([rangeTotals(d, ctx), timed(ctx, 'totals_by_fund', () => ctx.tx((m) => q.fundTotals(m, d.scope)))]);
      const allocated = funds.filter((f) => f.id !== null);
      const rest = range.total - allocated.reduce((n, f) => n + f.total, 0);
      const none = funds.find((f) => f.id === null);
      const buckets = [...allocated, ...(rest > 0 ? [{ id: null, code: null, name: null, total: rest, gifts: none?.gifts ?? 0 }] : [])];
      buckets.sort((x, y) => y.total - x.total || (x.code ?? '\uffff').localeCompare(y.code ?? '\uffff'));
      return buckets.map(bucketOut(d.currency, 'Unallocated'));
    },
    totalsByCampaign: async (d: Dashboard, _: unknown, ctx: Ctx) => (await rangeTotals(d, ctx)).byCampaign.map(bucketOut(d.currency, 'No campaign')),
    totalsByAppeal: async (d: Dashboard, _: unknown, ctx: Ctx) => (await rangeTotals(d, ctx)).byAppeal.map(bucketOut(d.currency, 'No appeal')),
    thisYearVsLast: (d: Dashboard, _: unknown, ctx: Ctx) =>
      timed(ctx, 'this_year_vs_last', async () => {
        const y = await ctx.tx((m) => q.yearComparison(m, d.scope.tenantId, d.currency, d.years));
        return {
          fiscalYear: d.years.fiscalYear,
          thisYear: money(amount(y.thisYear), d.currency),
          lastYearToDate: money(amount(y.lastYearToDate), d.currency),
          lastYear: money(amount(y.lastYear), d.currency),
          changePercent: changePercent(y.thisYear, y.lastYearToDate),
        };
      }),
    donorRetention: (d: Dashboard, _: unknown, ctx: Ctx) =>
      timed(ctx, 'donor_retention', async () => {
        const r = await ctx.tx((m) => q.donorRetention(m, d.scope.tenantId, d.years));
        return {
          fiscalYear: d.years.fiscalYear,
          ...r,
          retentionRate: r.lastYearDonors ? Math.round((r.retainedDonors / r.lastYearDonors) * 10_000) / 10_000 : null,
        };
      }),
    topDonors: async (d: Dashboard, args: { limit?: number | null }, ctx: Ctx) => {
      const limit = args.limit ?? 10;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TOP_DONORS) throw badInput('limit', `limit must be between 1 and ${MAX_TOP_DONORS}`);
      const top = await timed(ctx, 'top_donors', () => ctx.tx((m) => q.topDonors(m, d.scope, limit)));
      const contacts = await contactLoader(ctx).loadMany(top.map((r) => r.contactId));
      return top.map((r, i) => ({ contact: contacts[i], total: money(amount(r.total), d.currency), giftCount: r.gifts }));
    },
  },
};
