import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { badInput } from '@commonhold/kit/domain';
import { normaliseCountry, normalisePostcode } from '../contacts';
import { PAYMENT_METHODS } from '../gifts';

/**
 * The historical-import CSV: one row per gift with its donor. Column names are matched
 * case-insensitively (surrounding spaces ignored); unknown columns are refused so a typo
 * ("ammount") cannot silently drop data. docs/runbooks/imports.md documents every column.
 */
export const IMPORT_COLUMNS = [
  'external_id',
  'contact_external_id',
  'title',
  'first_name',
  'last_name',
  'organisation_name',
  'email',
  'house_name_or_number',
  'address_line1',
  'address_line2',
  'city',
  'postcode',
  'country',
  'amount',
  'currency',
  'received_at',
  'payment_method',
  'campaign_code',
  'appeal_code',
  'fund_code',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
export const REQUIRED_COLUMNS: readonly ImportColumn[] = ['external_id', 'amount', 'received_at'];

/** A valid row, normalised, as it is staged in `import_rows`. */
export interface ImportRow {
  rowNumber: number;
  externalId: string;
  contactExternalId: string | null;
  kind: 'PERSON' | 'ORGANISATION';
  title: string | null;
  firstName: string | null;
  lastName: string;
  organisationName: string | null;
  email: string | null;
  houseNameOrNumber: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  postcode: string | null;
  country: string;
  amountMinor: number;
  currency: string;
  /** ISO 8601 instant (UTC). */
  receivedAt: string;
  paymentMethod: string;
  campaignCode: string | null;
  appealCode: string | null;
  fundCode: string | null;
  /** Rows of one donor share a key (see `assignDonorKeys`); set after validation. */
  donorKey: string;
}

export interface RowError {
  rowNumber: number;
  field: string;
  message: string;
}

/** Largest amount accepted in minor units: GraphQL `Int` (Money.amountMinor) is 32-bit. */
export const MAX_AMOUNT_MINOR = 2_147_483_647;

const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

const exponents = new Map<string, number>();

/** Decimal places of a currency's minor unit (GBP 2, JPY 0). */
export function currencyExponent(currency: string): number {
  let e = exponents.get(currency);
  if (e === undefined) {
    e = new Intl.NumberFormat('en-GB', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    exponents.set(currency, e);
  }
  return e;
}

/**
 * Parses a decimal amount exactly into minor units with string arithmetic (never floats):
 * "25" → 2500, "25.5" → 2550, "25.50" → 2550, "1,234.50" → 123450 (comma thousands separators
 * only in their proper places). No currency symbols, signs, exponents or more decimals than the
 * currency has. Returns an error message instead of a number when the text is not acceptable.
 */
export function parseAmount(text: string, currency: string): number | string {
  const t = text.trim();
  if (!t) return 'amount is required';
  if (/^-/.test(t)) return 'amount must be greater than zero (refunds are not imported)';
  const exp = currencyExponent(currency);
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(t);
  if (!m) return `amount "${t}" is not a decimal number like 25.00 (no currency symbol; "," only as a thousands separator)`;
  const whole = m[1]!.replace(/,/g, '');
  const frac = m[2] ?? '';
  if (frac.length > exp) return exp === 0 ? `amount "${t}" must be a whole number in ${currency}` : `amount "${t}" has more than ${exp} decimal places`;
  const digits = (whole + frac.padEnd(exp, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 10 || Number(digits) > MAX_AMOUNT_MINOR) return `amount "${t}" is too large`;
  const minor = Number(digits);
  if (minor === 0) return 'amount must be greater than zero';
  return minor;
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UK_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))$/;

/**
 * `received_at`: `YYYY-MM-DD` or `DD/MM/YYYY` (UK order, never US; midnight UTC), or an ISO 8601
 * date-time with a zone (`2024-03-05T14:30:00Z`, `…+01:00`). Not in the future (beyond `now`),
 * not before 1900. Returns the instant as an ISO string, or an error message.
 */
export function parseReceivedAt(text: string, now: Date): string | { error: string } {
  const t = text.trim();
  if (!t) return { error: 'received_at is required' };
  let y: number, mo: number, d: number;
  let instant: Date;
  let m: RegExpExecArray | null;
  if ((m = ISO_DATE.exec(t)) || (m = UK_DATE.exec(t))) {
    [y, mo, d] = ISO_DATE.test(t) ? [Number(m[1]), Number(m[2]), Number(m[3])] : [Number(m[3]), Number(m[2]), Number(m[1])];
    if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return { error: `received_at "${t}" is not a real calendar date` };
    instant = new Date(Date.UTC(y, mo - 1, d));
  } else if ((m = ISO_INSTANT.exec(t))) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
    if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59 || (m[8] && (Number(m[8]) > 23 || Number(m[9]) > 59))) {
      return { error: `received_at "${t}" is not a real date and time` };
    }
    instant = new Date(t.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    if (Number.isNaN(instant.getTime())) return { error: `received_at "${t}" is not a real date and time` };
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
    return { error: `received_at "${t}" needs a time zone (Z or an offset such as +01:00)` };
  } else {
    return { error: `received_at "${t}" must be YYYY-MM-DD, DD/MM/YYYY or an ISO 8601 date-time with a zone` };
  }
  if (y < 1900) return { error: `received_at "${t}" is before 1900` };
  if (instant.getTime() > now.getTime()) return { error: `received_at "${t}" is in the future` };
  return instant.toISOString();
}

const emailSchema = z.email();
/** Trimmed, inner runs of white space made one space (without a regex replace when none). */
const collapse = (s: string) => {
  const t = s.trim();
  return /\s\s|[\t\n\r\f\v]/.test(t) ? t.replace(/\s+/g, ' ') : t;
};
const postcodes = new Map<string, string | null>();
/** normalisePostcode, memoised per file (a file repeats postcodes; parsing one costs ~7 µs). */
const postcodeOf = (text: string, country: string) => {
  const k = `${country}|${text}`;
  let p = postcodes.get(k);
  if (p === undefined) {
    p = normalisePostcode(text, country);
    if (postcodes.size > 200_000) postcodes.clear();
    postcodes.set(k, p);
  }
  return p;
};
const CODE = /^[A-Z0-9][A-Z0-9_-]*$/;

/** The columns of the header row, or a file-level error. */
export function readHeader(header: string[]): ImportColumn[] {
  const cols = header.map((h) => h.trim().toLowerCase());
  const unknown = cols.filter((c) => !(IMPORT_COLUMNS as readonly string[]).includes(c));
  if (unknown.length) throw badInput('input.csv', `unknown column(s) ${unknown.map((c) => `"${c}"`).join(', ')}; the columns are ${IMPORT_COLUMNS.join(', ')}`);
  const dup = cols.find((c, i) => cols.indexOf(c) !== i);
  if (dup) throw badInput('input.csv', `column "${dup}" appears twice`);
  const missing = REQUIRED_COLUMNS.filter((c) => !cols.includes(c));
  if (missing.length) throw badInput('input.csv', `required column(s) missing: ${missing.join(', ')}`);
  if (!cols.includes('last_name') && !cols.includes('organisation_name')) throw badInput('input.csv', 'the file needs a last_name or an organisation_name column');
  return cols as ImportColumn[];
}

/**
 * Validates one data row. Every problem is reported (not only the first), each naming its column;
 * `rowNumber` is the spreadsheet row (the header is row 1).
 */
export function validateRow(values: Partial<Record<ImportColumn, string>>, rowNumber: number, opts: { defaultCurrency: string; now: Date }): ImportRow | RowError[] {
  const errors: RowError[] = [];
  const err = (field: string, message: string) => errors.push({ rowNumber, field, message });
  const text = (col: ImportColumn, max: number): string | null => {
    const v = values[col];
    if (v === undefined) return null;
    const t = collapse(v);
    if (!t) return null;
    if (t.length > max) {
      err(col, `${col} must be at most ${max} characters`);
      return null;
    }
    return t;
  };

  const externalId = text('external_id', 100);
  if (!externalId && !errors.length) err('external_id', 'external_id is required (the gift id in the source system; it makes re-imports safe)');
  const contactExternalId = text('contact_external_id', 100);
  const title = text('title', 20);
  const firstName = text('first_name', 100);
  const lastName = text('last_name', 100);
  const organisationName = text('organisation_name', 100);
  let kind: ImportRow['kind'] = 'PERSON';
  if (organisationName && (firstName || lastName || title)) {
    err('organisation_name', 'give either organisation_name (an organisation) or first_name and last_name (a person), not both');
  } else if (organisationName) {
    kind = 'ORGANISATION';
  } else {
    const reported = (f: string) => errors.some((e) => e.field === f);
    if (!firstName && !reported('first_name')) err('first_name', 'first_name is required for a person (or give organisation_name)');
    if (!lastName && !reported('last_name')) err('last_name', 'last_name is required for a person (or give organisation_name)');
  }

  let email = text('email', 254);
  if (email) {
    email = email.toLowerCase();
    if (!emailSchema.safeParse(email).success) {
      err('email', `email "${email}" is not a valid email address`);
      email = null;
    }
  }

  let country = 'GB';
  const countryText = text('country', 60);
  if (countryText) {
    const c = normaliseCountry(countryText);
    if (!c) err('country', `country "${countryText}" is not an ISO 3166-1 alpha-2 code such as GB`);
    else country = c;
  }
  let postcode = text('postcode', 16);
  if (postcode) {
    const p = postcodeOf(postcode, country);
    if (!p) err('postcode', `postcode "${postcode}" is not a valid UK postcode`);
    postcode = p;
  }
  const houseNameOrNumber = text('house_name_or_number', 100);
  const addressLine1 = text('address_line1', 100);
  const addressLine2 = text('address_line2', 100);
  const city = text('city', 100);

  let currency = opts.defaultCurrency;
  const currencyText = text('currency', 3 + 10);
  if (currencyText) {
    const c = currencyText.toUpperCase();
    if (!/^[A-Z]{3}$/.test(c) || !ISO_CURRENCIES.has(c)) err('currency', `currency "${currencyText}" is not an ISO 4217 code such as GBP`);
    else currency = c;
  }
  let amountMinor = 0;
  const amount = parseAmount(values.amount ?? '', currency);
  if (typeof amount === 'string') err('amount', amount);
  else amountMinor = amount;

  let receivedAt = '';
  const r = parseReceivedAt(values.received_at ?? '', opts.now);
  if (typeof r === 'string') receivedAt = r;
  else err('received_at', r.error);

  let paymentMethod = 'OTHER';
  const pm = text('payment_method', 40);
  if (pm) {
    const p = pm.toUpperCase().replace(/[\s-]+/g, '_');
    if (!(PAYMENT_METHODS as readonly string[]).includes(p)) err('payment_method', `payment_method "${pm}" must be one of ${PAYMENT_METHODS.join(', ')}`);
    else paymentMethod = p;
  }
  const code = (col: 'campaign_code' | 'appeal_code' | 'fund_code') => {
    const c = text(col, 40)?.toUpperCase() ?? null;
    if (c && !CODE.test(c)) {
      err(col, `${col} "${c}" may hold only letters, digits, "-" and "_"`);
      return null;
    }
    return c;
  };
  const campaignCode = code('campaign_code');
  const appealCode = code('appeal_code');
  const fundCode = code('fund_code');

  if (errors.length) return errors;
  return {
    rowNumber,
    externalId: externalId!,
    contactExternalId,
    kind,
    title: kind === 'PERSON' ? title : null,
    firstName: kind === 'PERSON' ? firstName : null,
    lastName: kind === 'PERSON' ? lastName! : organisationName!,
    organisationName,
    email,
    houseNameOrNumber,
    addressLine1,
    addressLine2,
    city,
    postcode,
    country,
    amountMinor,
    currency,
    receivedAt,
    paymentMethod,
    campaignCode,
    appealCode,
    fundCode,
    donorKey: '',
  };
}

/**
 * Groups rows into donors: two rows are the same donor when they share a contact_external_id, an
 * email, or (person) first + last name + postcode / (organisation) name + postcode — transitively
 * (union-find). Each row's `donorKey` becomes its group's first row number, so the import
 * matches or creates exactly one contact per group, even when its rows fall in different chunks.
 */
export function assignDonorKeys(rows: ImportRow[]): void {
  const parent = rows.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    const ids = [
      r.contactExternalId ? `x:${r.contactExternalId}` : null,
      r.email ? `e:${r.email}` : null,
      r.kind === 'PERSON' ? `p:${r.firstName!.toLowerCase()}|${r.lastName.toLowerCase()}|${r.postcode ?? ''}` : `o:${r.lastName.toLowerCase()}|${r.postcode ?? ''}`,
    ];
    for (const id of ids) {
      if (!id) continue;
      const j = seen.get(id);
      if (j === undefined) seen.set(id, i);
      else {
        const a = find(i);
        const b = find(j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  rows.forEach((r, i) => (r.donorKey = String(rows[find(i)]!.rowNumber)));
}

export interface ParsedFile {
  totalRows: number;
  rows: ImportRow[];
  errors: RowError[];
}

/** Parses and validates a whole file: file-level problems throw BAD_USER_INPUT on `input.csv`. */
export function parseImportCsv(csv: string, opts: { defaultCurrency: string; now: Date; maxRows?: number }): ParsedFile {
  let records: string[][];
  try {
    records = parse(csv, { bom: true, relax_column_count: true }) as string[][];
  } catch (e) {
    throw badInput('input.csv', `the file is not valid CSV: ${(e as Error).message}`);
  }
  if (!records.length) throw badInput('input.csv', 'the file is empty (it needs a header row and at least one data row)');
  const cols = readHeader(records[0]!);
  const data = records.slice(1).filter((rec) => rec.some((v) => v.trim() !== ''));
  if (!data.length) throw badInput('input.csv', 'the file has a header row but no data rows');
  const maxRows = opts.maxRows ?? 100_000;
  if (data.length > maxRows) throw badInput('input.csv', `the file has ${data.length} rows; at most ${maxRows} per import (split the file)`);
  const rows: ImportRow[] = [];
  const errors: RowError[] = [];
  const firstRowOf = new Map<string, number>();
  records.slice(1).forEach((rec, i) => {
    const rowNumber = i + 2;
    if (!rec.some((v) => v.trim() !== '')) return;
    if (rec.length !== cols.length) {
      errors.push({ rowNumber, field: 'row', message: `the row has ${rec.length} values; the header has ${cols.length} columns` });
      return;
    }
    const values: Partial<Record<ImportColumn, string>> = {};
    cols.forEach((c, j) => (values[c] = rec[j]!));
    const r = validateRow(values, rowNumber, opts);
    if (Array.isArray(r)) {
      errors.push(...r);
      return;
    }
    const prior = firstRowOf.get(r.externalId);
    if (prior !== undefined) {
      errors.push({ rowNumber, field: 'external_id', message: `external_id "${r.externalId}" repeats row ${prior}` });
      return;
    }
    firstRowOf.set(r.externalId, rowNumber);
    rows.push(r);
  });
  assignDonorKeys(rows);
  return { totalRows: data.length, rows, errors };
}

/** Chunk index (0-based) of each valid row, `size` rows per chunk in file order. */
export function chunkOf(index: number, size: number): number {
  return Math.floor(index / size);
}

export const chunkCount = (rows: number, size: number) => Math.ceil(rows / size);
