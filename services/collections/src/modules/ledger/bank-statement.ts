import { parse } from 'csv-parse/sync';
import { badInput } from '@commonhold/kit/domain';

/**
 * Bank statement lines from a CSV export (pure). The mapping, documented in docs/collections.md:
 * headers are matched case-insensitively ignoring spaces, `_` and `-`; the first alias present wins.
 */
export const CSV_COLUMNS = {
  date: ['date', 'bookingdate', 'bookeddate', 'bookedon', 'transactiondate', 'valuedate'],
  amount: ['amount', 'creditamount', 'value', 'paidin'],
  reference: ['reference', 'paymentreference', 'description', 'narrative', 'details', 'remittanceinformation'],
  currency: ['currency', 'ccy'],
  counterparty: ['counterparty', 'payer', 'payername', 'name', 'debtorname'],
  transactionId: ['transactionid', 'bankreference', 'fitid', 'id', 'entryreference'],
} as const;
type Column = keyof typeof CSV_COLUMNS;
const REQUIRED: Column[] = ['date', 'amount', 'reference'];

export const MAX_LINES = 5000;
export const MAX_BYTES = 2_000_000;

export interface StatementLine {
  lineNo: number;
  bookedOn: string;
  /** Positive: money received. */
  amountMinor: number;
  currency: string;
  reference: string | null;
  counterparty: string | null;
  bankTxId: string | null;
}

const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const norm = (h: string) => h.toLowerCase().replace(/[\s_-]/g, '');

/** Digits after the decimal point of a currency (GBP 2, JPY 0). */
export const minorDigits = (currency: string): number => new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

/** A decimal amount ("1,234.50", "-20", "£12.5") in minor units of `currency`; null when it is not one. */
export function parseAmount(text: string, currency: string): number | null {
  const t = text.trim().replace(/^[£$€]/, '').replace(/,/g, '');
  const digits = minorDigits(currency);
  const m = /^([+-])?(\d+)(?:\.(\d+))?$/.exec(t);
  if (!m || (m[3] && m[3].length > digits)) return null;
  const minor = Number(m[2]) * 10 ** digits + Number((m[3] ?? '').padEnd(digits, '0') || 0);
  if (!Number.isSafeInteger(minor)) return null;
  return m[1] === '-' ? -minor : minor;
}

/** `YYYY-MM-DD` or UK `DD/MM/YYYY` → `YYYY-MM-DD`; null when not a real date. */
export function parseDate(text: string): string | null {
  const t = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  const [y, mo, d] = iso ? [iso[1], iso[2], iso[3]] : uk ? [uk[3], uk[2]!.padStart(2, '0'), uk[1]!.padStart(2, '0')] : [];
  if (!y) return null;
  const date = `${y}-${mo}-${d}`;
  return !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date) ? date : null;
}

/**
 * Parses a CSV statement. A file-level problem (no header, a required column missing, too big)
 * refuses the file; a line-level one (bad date or amount) refuses it too, naming the line, so a
 * statement is imported whole or not at all.
 */
export function parseCsvStatement(content: string, defaultCurrency: string): StatementLine[] {
  if (Buffer.byteLength(content, 'utf8') > MAX_BYTES) throw badInput('input.content', `the file must be at most ${MAX_BYTES} bytes`);
  let records: string[][];
  try {
    records = parse(content.replace(/^\uFEFF/, ''), { skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (err) {
    throw badInput('input.content', `not a readable CSV file: ${(err as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header) throw badInput('input.content', 'the file is empty');
  const index = {} as Record<Column, number>;
  const names = header.map(norm);
  for (const col of Object.keys(CSV_COLUMNS) as Column[]) {
    const at = CSV_COLUMNS[col].map((alias) => names.indexOf(alias)).find((i) => i >= 0);
    index[col] = at ?? -1;
  }
  const missing = REQUIRED.filter((c) => index[c] < 0);
  if (missing.length) throw badInput('input.content', `the header lacks the column(s) ${missing.join(', ')} (see the documented mapping)`);
  if (rows.length > MAX_LINES) throw badInput('input.content', `a statement may hold at most ${MAX_LINES} lines`);
  return rows.map((r, i) => {
    const lineNo = i + 2; // the header is line 1
    const cell = (c: Column) => (index[c] >= 0 ? (r[index[c]] ?? '').trim() : '');
    const currency = (cell('currency') || defaultCurrency).toUpperCase();
    if (!ISO_CURRENCIES.has(currency)) throw badInput('input.content', `line ${lineNo}: currency ${currency} is not an ISO 4217 code`);
    const bookedOn = parseDate(cell('date'));
    if (!bookedOn) throw badInput('input.content', `line ${lineNo}: date "${cell('date')}" is not YYYY-MM-DD or DD/MM/YYYY`);
    const amountMinor = parseAmount(cell('amount'), currency);
    if (amountMinor === null) throw badInput('input.content', `line ${lineNo}: amount "${cell('amount')}" is not a decimal amount in ${currency}`);
    return {
      lineNo,
      bookedOn,
      amountMinor,
      currency,
      reference: cell('reference').slice(0, 500) || null,
      counterparty: cell('counterparty').slice(0, 200) || null,
      bankTxId: cell('transactionId').slice(0, 100) || null,
    };
  });
}

/** The words of a remittance text that could be an apartment's payment reference (A–Z, 0–9, '-', 4–18 long). */
export function referenceCandidates(text: string | null): string[] {
  if (!text) return [];
  const tokens = text.toUpperCase().split(/[^A-Z0-9-]+/).filter((t) => t.length >= 4 && t.length <= 18);
  return [...new Set(tokens)];
}

export type MatchOutcome = { status: 'matched'; apartmentId: string } | { status: 'unmatched' | 'ignored'; reason: string };

/**
 * How a line is matched: money paid out is ignored; money received matches when its reference text
 * names exactly one apartment's payment reference in the building's currency; anything else waits
 * in the office's queue with the reason.
 */
export function matchLine(line: Pick<StatementLine, 'amountMinor' | 'currency'>, apartments: readonly { id: string; currency: string }[]): MatchOutcome {
  if (line.amountMinor <= 0) return { status: 'ignored', reason: 'not money received' };
  if (apartments.length === 0) return { status: 'unmatched', reason: 'no apartment payment reference in the text' };
  if (apartments.length > 1) return { status: 'unmatched', reason: 'the text names several apartments' };
  if (apartments[0]!.currency !== line.currency) return { status: 'unmatched', reason: `the building's ledger is in ${apartments[0]!.currency}` };
  return { status: 'matched', apartmentId: apartments[0]!.id };
}
