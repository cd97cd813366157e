import { stringify } from 'csv-stringify/sync';

/**
 * Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection): `=`, `+`,
 * `-`, `@`, tab, carriage return, line feed, and their full-width forms some spreadsheet apps
 * also accept.
 */
const FORMULA_TRIGGER = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;
/** A plain number (`-12.50`, `3`) is data, not a formula: left as it is so numeric columns stay numeric. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * One cell made inert: a leading formula trigger gets a single quote in front (OWASP: the
 * spreadsheet then shows the text as typed). Plain numbers pass unchanged.
 */
export function escapeFormula(value: string): string {
  return FORMULA_TRIGGER.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/**
 * CSV for anything the platform exports: every string cell through escapeFormula. `maxLengths`
 * (per column, optional) keeps a fixed-width rule (e.g. HMRC's 35-character names) true after
 * the quote is added, by cutting the end, never the quote.
 */
export function stringifyCsvSafe(rows: readonly (readonly unknown[])[], opts: { maxLengths?: readonly (number | undefined)[] } = {}): string {
  const safe = rows.map((row) =>
    row.map((cell, i) => {
      if (typeof cell !== 'string') return cell;
      const escaped = escapeFormula(cell);
      const max = opts.maxLengths?.[i];
      return max !== undefined && escaped.length > max ? escaped.slice(0, max) : escaped;
    }),
  );
  return stringify(safe as unknown[][]);
}
