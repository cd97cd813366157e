/**
 * Calendar arithmetic for the dashboard on `YYYY-MM-DD` strings (UTC). Fiscal year N starts on the
 * 1st of the tenant's start month in calendar year N (the rollups' rule: FY 2025 with an April
 * start runs 2025-04-01..2026-03-31).
 */
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const parts = (d: string) => d.split('-').map(Number) as [number, number, number];
const fmt = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

export function fiscalYearOf(date: string, startMonth: number): number {
  const [y, m] = parts(date);
  return m >= startMonth ? y : y - 1;
}

export function fiscalYearStart(fy: number, startMonth: number): string {
  return fmt(fy, startMonth, 1);
}

/** The same day `years` years away; 29 February becomes 28 February in a common year. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = parts(date);
  return fmt(y + years, m, Math.min(d, daysIn(y + years, m)));
}

export function addDays(date: string, days: number): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

/** Every month `YYYY-MM` from the month of `from` to the month of `to`, inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  let [y, m] = parts(from);
  const [ty, tm] = parts(to);
  const out: string[] = [];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${pad(y, 4)}-${pad(m)}`);
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/** Whole years between two dates, rounded up (for the range limit). */
export const spanDays = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** (current - previous) / previous × 100 to one decimal; null when previous is zero. */
export function changePercent(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return Math.round(((current - previous) / previous) * 1000) / 10;
}

export interface YearPeriods {
  fiscalYear: number;
  /** This fiscal year: [thisStart, toEnd). */
  thisStart: string;
  /** The previous fiscal year: [lastStart, thisStart); the same period last year: [lastStart, lastToEnd). */
  lastStart: string;
  /** The day after `to` (exclusive bound). */
  toEnd: string;
  /** The day after `to` one year earlier. */
  lastToEnd: string;
}

/** The periods "this year vs last" and retention compare, for the fiscal year that contains `to`. */
export function yearPeriods(to: string, startMonth: number): YearPeriods {
  const fiscalYear = fiscalYearOf(to, startMonth);
  return {
    fiscalYear,
    thisStart: fiscalYearStart(fiscalYear, startMonth),
    lastStart: fiscalYearStart(fiscalYear - 1, startMonth),
    toEnd: addDays(to, 1),
    lastToEnd: addDays(addYears(to, -1), 1),
  };
}
