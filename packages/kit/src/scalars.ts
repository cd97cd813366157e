import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/**
 * No date in this platform lies before 1900 (gifts, declarations, ledgers, votes, shifts) or after
 * 2999: a year outside is a typo (0026, 20260) and is refused rather than stored.
 */
export const EARLIEST_YEAR = 1900;
export const LATEST_YEAR = 2999;
const yearInRange = (y: string) => Number(y) >= EARLIEST_YEAR && Number(y) <= LATEST_YEAR;
const RANGE = `between ${EARLIEST_YEAR}-01-01 and ${LATEST_YEAR}-12-31`;

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** True when every field is in range for its calendar position (no 30 February, no hour 24). */
function fieldsValid(m: RegExpExecArray): boolean {
  const [y, mo, d, h, mi, s = '0', oh = '0', om = '0'] = m.slice(1).map((x) => x ?? '0');
  const daysInMonth = new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate();
  return Number(mo) >= 1 && Number(mo) <= 12 && Number(d) >= 1 && Number(d) <= daysInMonth && Number(h) <= 23 && Number(mi) <= 59 && Number(s) <= 59 && Number(oh) <= 23 && Number(om) <= 59;
}

function parseInstant(value: unknown): Date {
  const m = typeof value === 'string' ? ISO_INSTANT.exec(value) : null;
  // Date.parse would roll 2026-02-30 over to 2 March: check the calendar fields ourselves.
  if (!m || !fieldsValid(m) || Number.isNaN(Date.parse(value as string))) {
    // graphql-js prefixes this with the variable path; formatError lifts that path into `field`.
    throw new GraphQLError(`Expected an ISO 8601 instant with a time zone (e.g. 2026-11-22T10:15:00Z), got ${JSON.stringify(value)}`);
  }
  const at = new Date(value as string);
  if (!yearInRange(m[1]!) || !yearInRange(String(at.getUTCFullYear()))) throw new GraphQLError(`Expected an instant ${RANGE}, got ${JSON.stringify(value)}`);
  return at;
}

/** UTC instants in, ISO strings out. A value without a zone is refused rather than guessed. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize: (v) => (v instanceof Date ? v : new Date(v as string)).toISOString(),
  parseValue: parseInstant,
  parseLiteral: (ast) => parseInstant(ast.kind === Kind.STRING ? ast.value : undefined),
});

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(value: unknown): string {
  const m = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  const valid = m && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 && Number(m[3]) <= new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate();
  if (!valid) throw new GraphQLError(`Expected a calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  if (!yearInRange(m[1]!)) throw new GraphQLError(`Expected a date ${RANGE}, got ${JSON.stringify(value)}`);
  return value as string;
}

/** Calendar dates as `YYYY-MM-DD` strings both ways (a pg `date` column reads back as that string). */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  serialize: (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10)),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

/**
 * Integers within ±(2^53 − 1), exact in JSON and JavaScript (graphql-scalars' SafeInt): money in
 * minor units. Serializes a pg `bigint` (read as a string) too, and refuses anything unsafe.
 */
export { GraphQLSafeInt as SafeIntScalar } from 'graphql-scalars';
