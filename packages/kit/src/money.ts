import { badInput } from './errors';

export interface Money {
  amountMinor: number;
  currency: string;
}

const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Validates money input: integer minor units, positive unless allowed otherwise, an ISO 4217 code. */
export function parseMoney(field: string, value: unknown, opts: { allowZero?: boolean; allowNegative?: boolean } = {}): Money {
  if (!value || typeof value !== 'object') throw badInput(field, `${field} is required`);
  const { amountMinor, currency } = value as Partial<Money>;
  if (typeof amountMinor !== 'number' || !Number.isSafeInteger(amountMinor)) {
    throw badInput(`${field}.amountMinor`, 'amountMinor must be an integer number of minor units (e.g. pence)');
  }
  if (!opts.allowNegative && amountMinor < 0) throw badInput(`${field}.amountMinor`, 'amountMinor must not be negative');
  if (!opts.allowZero && !opts.allowNegative && amountMinor === 0) throw badInput(`${field}.amountMinor`, 'amountMinor must be greater than zero');
  if (typeof currency !== 'string' || !ISO_CURRENCIES.has(currency)) {
    throw badInput(`${field}.currency`, 'currency must be an ISO 4217 code such as GBP');
  }
  return { amountMinor, currency };
}

/** A Money value from a stored amount (`bigint` columns arrive from pg as strings). */
export const money = (amountMinor: number | string, currency: string): Money => ({ amountMinor: Number(amountMinor), currency });
