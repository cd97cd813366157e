import type { Money } from '@commonhold/kit';

/** A contact's giving in one currency (rollups never add amounts across currencies). */
export interface CurrencyRollup {
  currency: string;
  totalMinor: number;
  giftCount: number;
  lastGiftDate: Date | null;
}

/** Folds one recorded gift into the rollup for its currency. Order-independent (commutative). */
export function applyGift(r: CurrencyRollup | undefined, gift: { amount: Money; receivedAt: Date }): CurrencyRollup {
  const base = r ?? { currency: gift.amount.currency, totalMinor: 0, giftCount: 0, lastGiftDate: null };
  if (base.currency !== gift.amount.currency) throw new Error('applyGift: currency mismatch');
  return {
    currency: base.currency,
    totalMinor: base.totalMinor + gift.amount.amountMinor,
    giftCount: base.giftCount + 1,
    lastGiftDate: !base.lastGiftDate || gift.receivedAt > base.lastGiftDate ? gift.receivedAt : base.lastGiftDate,
  };
}

export interface GivingSummary {
  lifetimeTotal: Money;
  totalsByCurrency: Money[];
  giftCount: number;
  lastGiftDate: Date | null;
}

/**
 * The contact's summary across currencies: the headline total is the currency with the largest
 * gift count (ties: larger total, then code), or zero in the tenant default when there is none.
 */
export function summariseGiving(rollups: CurrencyRollup[], defaultCurrency: string): GivingSummary {
  const sorted = [...rollups].sort(
    (a, b) => b.giftCount - a.giftCount || b.totalMinor - a.totalMinor || a.currency.localeCompare(b.currency),
  );
  const main = sorted[0];
  return {
    lifetimeTotal: main ? { amountMinor: main.totalMinor, currency: main.currency } : { amountMinor: 0, currency: defaultCurrency },
    totalsByCurrency: sorted.map((r) => ({ amountMinor: r.totalMinor, currency: r.currency })),
    giftCount: rollups.reduce((n, r) => n + r.giftCount, 0),
    lastGiftDate: rollups.reduce<Date | null>((d, r) => (r.lastGiftDate && (!d || r.lastGiftDate > d) ? r.lastGiftDate : d), null),
  };
}
