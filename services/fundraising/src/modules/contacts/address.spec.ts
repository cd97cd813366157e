import { caught } from '@commonhold/testing/src/caught';
import { normaliseCountry, normalisePostcode, normaliseUkPostcode, validateAddress } from './address';

describe('normaliseUkPostcode', () => {
  it.each<[string, string | null]>([
    ['SW1A 2AA', 'SW1A 2AA'],
    ['sw1a2aa', 'SW1A 2AA'],
    ['  sw1a   2aa ', 'SW1A 2AA'],
    ['ec1a\t1bb', 'EC1A 1BB'],
    ['M1 1AE', 'M1 1AE'],
    ['b338th', 'B33 8TH'],
    ['cr2 6xh', 'CR2 6XH'],
    ['DN55 1PT', 'DN55 1PT'],
    ['gir0aa', 'GIR 0AA'],
    ['SW1A', null],
    ['12345', null],
    ['SW1A 2AAA', null],
    ['not a postcode', null],
    ['', null],
  ])('%p → %p', (text, expected) => expect(normaliseUkPostcode(text)).toBe(expected));
});

describe('normalisePostcode', () => {
  it.each<[string, string, string | null]>([
    ['sw1a 2aa', 'GB', 'SW1A 2AA'],
    ['10115', 'DE', '10115'],
    [' d02  x285 ', 'IE', 'D02 X285'],
    ['k1a 0b1', 'CA', 'K1A 0B1'],
    ['   ', 'FR', null],
    ['12345', 'GB', null],
  ])('%p in %s → %p', (text, country, expected) => expect(normalisePostcode(text, country)).toBe(expected));
});

describe('normaliseCountry', () => {
  it.each<[string, string | null]>([
    ['GB', 'GB'],
    ['gb', 'GB'],
    [' ie ', 'IE'],
    ['UK', 'GB'],
    ['XX', null],
    ['GBR', null],
    ['', null],
  ])('%p → %p', (text, expected) => expect(normaliseCountry(text)).toBe(expected));
});

describe('validateAddress', () => {
  const buildAddress = (overrides: Record<string, unknown> = {}) => ({ houseNameOrNumber: '10', line1: 'Downing Street', line2: null, city: 'London', postcode: 'sw1a2aa', ...overrides });

  it('defaults the country to GB and normalises the postcode', () => {
    expect(validateAddress('input.address', buildAddress())).toEqual({ houseNameOrNumber: '10', line1: 'Downing Street', line2: null, city: 'London', postcode: 'SW1A 2AA', country: 'GB' });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['trims and collapses lines', { line1: '  Downing   Street ', city: ' London ' }, { line1: 'Downing Street', city: 'London' }],
    ['blank lines become null', { line2: '   ', houseNameOrNumber: '' }, { line2: null, houseNameOrNumber: null }],
    ['lower-case country', { country: 'gb' }, { country: 'GB' }],
    ['blank country means GB', { country: ' ' }, { country: 'GB' }],
    ['non-GB postcode kept, upper-cased, without UK validation', { country: 'IE', postcode: ' d02  x285' }, { country: 'IE', postcode: 'D02 X285' }],
    ['no postcode is fine', { postcode: null }, { postcode: null }],
  ])('%s', (_name, overrides, expected) => {
    expect(validateAddress('input.address', buildAddress(overrides))).toMatchObject(expected);
  });

  it.each([null, undefined])('no address (%p) is null', (value) => expect(validateAddress('input.address', value)).toBeNull());

  it('an address without any line, city or postcode is null', () => {
    expect(validateAddress('input.address', { country: 'FR', line1: '  ' })).toBeNull();
  });

  it.each<[string, unknown, string, string]>([
    ['bad UK postcode', buildAddress({ postcode: 'SW1A' }), 'input.address.postcode', 'postcode "SW1A" is not a valid UK postcode'],
    ['non-UK postcode with GB country', buildAddress({ postcode: '10115', country: 'GB' }), 'input.address.postcode', 'postcode "10115" is not a valid UK postcode'],
    ['unknown country', buildAddress({ country: 'XX' }), 'input.address.country', 'country must be an ISO 3166-1 alpha-2 code such as GB'],
    ['three-letter country', buildAddress({ country: 'GBR' }), 'input.address.country', 'country must be an ISO 3166-1 alpha-2 code such as GB'],
    ['too long line1', buildAddress({ line1: 'x'.repeat(101) }), 'input.address.line1', 'line1 must be at most 100 characters'],
    ['too long city', buildAddress({ city: 'x'.repeat(101) }), 'input.address.city', 'city must be at most 100 characters'],
    ['too long postcode', buildAddress({ country: 'FR', postcode: '1'.repeat(17) }), 'input.address.postcode', 'postcode must be at most 16 characters'],
    ['non-string line', buildAddress({ line2: 7 }), 'input.address.line2', 'line2 must be a string'],
    ['not an object', 'Downing Street', 'input.address', 'address must be an object'],
  ])('refuses %s naming the field', (_name, value, field, message) => {
    const err = caught(() => validateAddress('input.address', value));
    expect(err.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(err.message).toBe(message);
  });
});
