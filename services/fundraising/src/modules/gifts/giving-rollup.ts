import type { Money } from '@commonhold/kit/domain';

/**
 * Giving rollups, as pure functions. `rollup.store.ts` computes the same figures in set-based SQL;
 * these functions are the reference the SQL is tested against and what the API reads them through.
 */

/** A subject's (contact's or household's) giving in one currency, as stored. */
export interface CurrencyRollup {
  currency: string;
  totalMinor: number;
  giftCount: number;
  smallestMinor: number | null;
  largestMinor: number | null;
  firstGiftAt: Date | null;
  firstGiftMinor: number | null;
  lastGiftAt: Date | null;
  lastGiftMinor: number | null;
  /** Fiscal year (the calendar year it starts in) → net total. */
  byFiscalYear: Record<string, number>;
  softCreditMinor: number;
}

/** A gift as rollups see it. */
export interface RollupGift {
  id: string;
  kind: string;
  amountMinor: number;
  refundedMinor: number;
  currency: string;
  receivedAt: Date;
}

export const emptyRollup = (currency: string): CurrencyRollup => ({
  currency,
  totalMinor: 0,
  giftCount: 0,
  smallestMinor: null,
  largestMinor: null,
  firstGiftAt: null,
  firstGiftMinor: null,
  lastGiftAt: null,
  lastGiftMinor: null,
  byFiscalYear: {},
  softCreditMinor: 0,
});

/** Net amount a gift contributes: nothing for a pledge (a promise) or a fully refunded gift. */
export const countedNet = (g: Pick<RollupGift, 'kind' | 'amountMinor' | 'refundedMinor'>): number =>
  g.kind === 'PLEDGE' ? 0 : Math.max(0, g.amountMinor - g.refundedMinor);

/** The fiscal year an instant falls in: year N runs from the 1st of `startMonth` in N (UTC). */
export function fiscalYearOf(at: Date, startMonth: number): number {
  return at.getUTCMonth() + 1 >= startMonth ? at.getUTCFullYear() : at.getUTCFullYear() - 1;
}

/** "2025/26" for a year that straddles two calendar years, "2026" for a calendar fiscal year. */
export const fiscalYearLabel = (fy: number, startMonth: number) => (startMonth === 1 ? String(fy) : `${fy}/${String((fy + 1) % 100).padStart(2, '0')}`);

/** First day of a fiscal year, `YYYY-MM-DD`. */
export const fiscalYearStart = (fy: number, startMonth: number) => `${fy}-${String(startMonth).padStart(2, '0')}-01`;

/**
 * Folds one gift into a rollup (order-independent: the same gifts in any order give the same
 * result). First and last gift break ties on `receivedAt` by gift id, like the SQL.
 */
export function foldGift(r: CurrencyRollup, g: RollupGift, fiscalStartMonth: number): CurrencyRollup {
  if (g.currency !== r.currency) throw new Error('foldGift: currency mismatch');
  const net = countedNet(g);
  if (net <= 0) return r;
  const t = g.receivedAt.getTime();
  const fy = String(fiscalYearOf(g.receivedAt, fiscalStartMonth));
  const firstIsNew = !r.firstGiftAt || t < r.firstGiftAt.getTime() || (t === r.firstGiftAt.getTime() && g.id < (r as Tiebreak).firstId!);
  const lastIsNew = !r.lastGiftAt || t > r.lastGiftAt.getTime() || (t === r.lastGiftAt.getTime() && g.id > (r as Tiebreak).lastId!);
  const next: CurrencyRollup & Tiebreak = {
    ...r,
    totalMinor: r.totalMinor + net,
    giftCount: r.giftCount + 1,
    smallestMinor: r.smallestMinor === null ? net : Math.min(r.smallestMinor, net),
    largestMinor: r.largestMinor === null ? net : Math.max(r.largestMinor, net),
    byFiscalYear: { ...r.byFiscalYear, [fy]: (r.byFiscalYear[fy] ?? 0) + net },
  };
  if (firstIsNew) Object.assign(next, { firstGiftAt: g.receivedAt, firstGiftMinor: net, firstId: g.id });
  if (lastIsNew) Object.assign(next, { lastGiftAt: g.receivedAt, lastGiftMinor: net, lastId: g.id });
  return next;
}

/** Ids of the current first and last gift, carried while folding (not stored). */
interface Tiebreak {
  firstId?: string;
  lastId?: string;
}

/** A soft credit counts at most the gift's net amount. */
export function foldSoftCredit(r: CurrencyRollup, softMinor: number, gift: RollupGift): CurrencyRollup {
  const counted = Math.min(softMinor, countedNet(gift));
  return counted > 0 ? { ...r, softCreditMinor: r.softCreditMinor + counted } : r;
}

/** Folds gifts (and soft credits on other donors' gifts) into rollups per currency. */
export function rollupFrom(gifts: RollupGift[], softCredits: { gift: RollupGift; amountMinor: number }[], fiscalStartMonth: number): CurrencyRollup[] {
  const by = new Map<string, CurrencyRollup>();
  const get = (c: string) => by.get(c) ?? emptyRollup(c);
  for (const g of gifts) if (countedNet(g) > 0) by.set(g.currency, foldGift(get(g.currency), g, fiscalStartMonth));
  for (const s of softCredits) if (countedNet(s.gift) > 0) by.set(s.gift.currency, foldSoftCredit(get(s.gift.currency), s.amountMinor, s.gift));
  return [...by.values()].map((r) => {
    const { firstId: _f, lastId: _l, ...rest } = r as CurrencyRollup & Tiebreak;
    return rest;
  });
}

export interface GiftSnapshot {
  date: Date;
  amount: Money;
}

export interface FiscalYearTotal {
  fiscalYear: number;
  label: string;
  startsOn: string;
  total: Money;
}

export interface GivingSummary {
  currency: string;
  lifetimeTotal: Money;
  totalsByCurrency: Money[];
  giftCount: number;
  lastGiftDate: Date | null;
  averageGift: Money | null;
  smallestGift: Money | null;
  largestGift: Money | null;
  firstGift: GiftSnapshot | null;
  lastGift: GiftSnapshot | null;
  thisFiscalYear: Money;
  lastFiscalYear: Money;
  twoFiscalYearsAgo: Money;
  last365Days: Money;
  bestYear: FiscalYearTotal | null;
  fiscalYears: FiscalYearTotal[];
  softCreditTotal: Money;
}

/**
 * What `Giving` shows: every figure in the subject's main currency (most gifts; ties: larger total,
 * then code), or zeros in the tenant default when there is nothing. `last365ByCurrency` comes from
 * gifts (a sliding window cannot be kept by events).
 */
export function summariseGiving(
  rollups: CurrencyRollup[],
  opts: { defaultCurrency: string; now: Date; fiscalStartMonth: number; last365ByCurrency?: Record<string, number> },
): GivingSummary {
  const sorted = [...rollups].sort(
    (a, b) => b.giftCount - a.giftCount || b.totalMinor - a.totalMinor || b.softCreditMinor - a.softCreditMinor || a.currency.localeCompare(b.currency),
  );
  const main = sorted[0] ?? emptyRollup(opts.defaultCurrency);
  const cur = main.currency;
  const money = (amountMinor: number): Money => ({ amountMinor, currency: cur });
  const thisFy = fiscalYearOf(opts.now, opts.fiscalStartMonth);
  const year = (fy: number) => money(main.byFiscalYear[String(fy)] ?? 0);
  const fiscalYears = Object.entries(main.byFiscalYear)
    .map(([fy, total]) => ({ fiscalYear: Number(fy), label: fiscalYearLabel(Number(fy), opts.fiscalStartMonth), startsOn: fiscalYearStart(Number(fy), opts.fiscalStartMonth), total: money(total) }))
    .sort((a, b) => b.fiscalYear - a.fiscalYear);
  // Best year: the largest total; a tie goes to the more recent year.
  const bestYear = fiscalYears.reduce<FiscalYearTotal | null>((best, y) => (!best || y.total.amountMinor > best.total.amountMinor ? y : best), null);
  return {
    currency: cur,
    lifetimeTotal: money(main.totalMinor),
    totalsByCurrency: sorted.filter((r) => r.giftCount > 0).map((r) => ({ amountMinor: r.totalMinor, currency: r.currency })),
    giftCount: rollups.reduce((n, r) => n + r.giftCount, 0),
    lastGiftDate: rollups.reduce<Date | null>((d, r) => (r.lastGiftAt && (!d || r.lastGiftAt > d) ? r.lastGiftAt : d), null),
    averageGift: main.giftCount ? money(Math.round(main.totalMinor / main.giftCount)) : null,
    smallestGift: main.smallestMinor === null ? null : money(main.smallestMinor),
    largestGift: main.largestMinor === null ? null : money(main.largestMinor),
    firstGift: main.firstGiftAt ? { date: main.firstGiftAt, amount: money(main.firstGiftMinor ?? 0) } : null,
    lastGift: main.lastGiftAt ? { date: main.lastGiftAt, amount: money(main.lastGiftMinor ?? 0) } : null,
    thisFiscalYear: year(thisFy),
    lastFiscalYear: year(thisFy - 1),
    twoFiscalYearsAgo: year(thisFy - 2),
    last365Days: money(opts.last365ByCurrency?.[cur] ?? 0),
    bestYear,
    fiscalYears,
    softCreditTotal: money(main.softCreditMinor),
  };
}
