/**
 * Collections KPIs (pure): the collection rate, the reconciliation mismatch ratio and the buckets of
 * the time-to-collect histogram. The KPI pass (kpi-pass.ts) feeds them with each tenant's figures
 * and exports the platform-wide values as metrics (no tenant ids in labels).
 */

/** Days, for `collections_time_to_collect_days`: from a debit's due date to the payment that closed it. */
export const TIME_TO_COLLECT_BUCKETS_DAYS = [0, 1, 3, 7, 14, 30, 60, 90, 180, 365] as const;

/** The trailing window of the collection rate, in days (today included). */
export const COLLECTION_RATE_WINDOW_DAYS = 90;

export interface Movements {
  currency: string;
  /** Charges booked in the window, net of their reversals. */
  chargedMinor: number;
  /** Payments booked in the window, net of their reversals (positive). */
  collectedMinor: number;
}

/** collected ÷ charged per currency, summed over tenants; a currency with nothing charged has no rate. */
export function collectionRates(movements: readonly Movements[]): Map<string, number> {
  const sums = new Map<string, { charged: number; collected: number }>();
  for (const m of movements) {
    const s = sums.get(m.currency) ?? { charged: 0, collected: 0 };
    s.charged += m.chargedMinor;
    s.collected += m.collectedMinor;
    sums.set(m.currency, s);
  }
  const rates = new Map<string, number>();
  for (const [currency, s] of sums) if (s.charged > 0) rates.set(currency, s.collected / s.charged);
  return rates;
}

export interface Reconciliation {
  /** Items checked: apartments with ledger entries, posted (matched or resolved) bank lines, bank-file payments. */
  checked: number;
  /** Of them, those that do not reconcile (balance ≠ ledger, line without its payment, payment without its line). */
  mismatched: number;
}

/** Mismatched ÷ checked over every tenant (0 when nothing was checked). */
export function mismatchRatio(rs: readonly Reconciliation[]): number {
  const checked = rs.reduce((n, r) => n + r.checked, 0);
  const mismatched = rs.reduce((n, r) => n + r.mismatched, 0);
  return checked === 0 ? 0 : mismatched / checked;
}
