/**
 * Calendar dates as `YYYY-MM-DD` strings (UTC), the shape pg `date` columns and the GraphQL `Date`
 * scalar use. Strings of this shape compare correctly with `<`/`>`.
 */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: unknown): value is IsoDate {
  const m = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const parts = (d: IsoDate) => d.split('-').map(Number) as [number, number, number];
const fmt = (y: number, m: number, d: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** The UTC calendar date of an instant. */
export const utcDate = (at: Date): IsoDate => at.toISOString().slice(0, 10);

export function addDays(date: IsoDate, days: number): IsoDate {
  const [y, m, d] = parts(date);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Same day `years` later (or earlier); 29 February lands on 28 February in a common year. */
export function addYears(date: IsoDate, years: number): IsoDate {
  const [y, m, d] = parts(date);
  return fmt(y + years, m, Math.min(d, daysInMonth(y + years, m)));
}

/**
 * Last day of the charity's accounting period holding `date`, when its periods start on the 1st of
 * `fiscalYearStartMonth` (the period ends the day before the next one starts).
 */
export function accountingPeriodEnd(date: IsoDate, fiscalYearStartMonth: number): IsoDate {
  const [y, m] = parts(date);
  const startYear = m >= fiscalYearStartMonth ? y : y - 1;
  return addDays(fmt(startYear + 1, fiscalYearStartMonth, 1), -1);
}

/** First day (6 April) of the UK tax year holding `date`. */
export function taxYearStart(date: IsoDate): IsoDate {
  const [y] = parts(date);
  const thisYears = fmt(y, 4, 6);
  return date >= thisYears ? thisYears : fmt(y - 1, 4, 6);
}

/** `DD/MM/YY`, the date format of HMRC's Gift Aid schedule. */
export function hmrcDate(date: IsoDate): string {
  const [y, m, d] = parts(date);
  return `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${String(y % 100).padStart(2, '0')}`;
}
