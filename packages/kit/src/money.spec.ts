import { caught } from '@commonhold/testing/src/caught';
import { parseMoney } from './money';

describe('parseMoney', () => {
  it.each([
    [{ amountMinor: 1, currency: 'GBP' }],
    [{ amountMinor: 12_345, currency: 'EUR' }],
    [{ amountMinor: Number.MAX_SAFE_INTEGER, currency: 'JPY' }],
  ])('accepts %j', (value) => {
    expect(parseMoney('input.amount', value)).toEqual(value);
  });

  it('returns only amountMinor and currency', () => {
    expect(parseMoney('input.amount', { amountMinor: 5, currency: 'GBP', extra: 'x' })).toEqual({ amountMinor: 5, currency: 'GBP' });
  });

  it.each<[string, unknown, string, RegExp]>([
    ['negative', { amountMinor: -1, currency: 'GBP' }, 'input.amount.amountMinor', /must not be negative/],
    ['zero', { amountMinor: 0, currency: 'GBP' }, 'input.amount.amountMinor', /greater than zero/],
    ['fractional', { amountMinor: 12.5, currency: 'GBP' }, 'input.amount.amountMinor', /integer number of minor units/],
    ['NaN', { amountMinor: Number.NaN, currency: 'GBP' }, 'input.amount.amountMinor', /integer/],
    ['Infinity', { amountMinor: Number.POSITIVE_INFINITY, currency: 'GBP' }, 'input.amount.amountMinor', /integer/],
    ['beyond safe integers', { amountMinor: 2 ** 53, currency: 'GBP' }, 'input.amount.amountMinor', /integer/],
    ['a numeric string', { amountMinor: '100', currency: 'GBP' }, 'input.amount.amountMinor', /integer/],
    ['missing amountMinor', { currency: 'GBP' }, 'input.amount.amountMinor', /integer/],
    ['unknown currency XXZ', { amountMinor: 100, currency: 'XXZ' }, 'input.amount.currency', /ISO 4217/],
    ['lowercase currency gbp', { amountMinor: 100, currency: 'gbp' }, 'input.amount.currency', /ISO 4217/],
    ['missing currency', { amountMinor: 100 }, 'input.amount.currency', /ISO 4217/],
    ['non-string currency', { amountMinor: 100, currency: 826 }, 'input.amount.currency', /ISO 4217/],
    ['missing money (undefined)', undefined, 'input.amount', /input\.amount is required/],
    ['missing money (null)', null, 'input.amount', /input\.amount is required/],
    ['not an object', 100, 'input.amount', /input\.amount is required/],
  ])('refuses %s as BAD_USER_INPUT naming the field', (_name, value, field, message) => {
    const err = caught(() => parseMoney('input.amount', value));
    expect(err.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(err.message).toMatch(message);
  });

  it('allows zero only when asked', () => {
    expect(parseMoney('m', { amountMinor: 0, currency: 'GBP' }, { allowZero: true })).toEqual({ amountMinor: 0, currency: 'GBP' });
    expect(caught(() => parseMoney('m', { amountMinor: -1, currency: 'GBP' }, { allowZero: true })).extensions.field).toBe('m.amountMinor');
  });

  it('allows negative amounts only when asked', () => {
    expect(parseMoney('m', { amountMinor: -500, currency: 'GBP' }, { allowNegative: true })).toEqual({ amountMinor: -500, currency: 'GBP' });
  });

  it('checks the amount before the currency', () => {
    expect(caught(() => parseMoney('m', { amountMinor: 1.5, currency: 'nope' })).extensions.field).toBe('m.amountMinor');
  });
});
