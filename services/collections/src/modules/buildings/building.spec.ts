import { apartmentFields, buildingFields, defaultReference, partyFields, sharesComplete, validateShareTable } from './building';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
const field = (f: string) => expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: f }) });

describe('validateShareTable', () => {
  it.each([
    ['two apartments summing to 1000', [A, B], [{ apartmentId: A, ownershipShare: 600 }, { apartmentId: B, ownershipShare: 400 }]],
    ['one apartment owning all', [A], [{ apartmentId: A, ownershipShare: 1000 }]],
    [
      'heating shares for all, summing to 1000',
      [A, B],
      [
        { apartmentId: A, ownershipShare: 500, heatingShare: 0 },
        { apartmentId: B, ownershipShare: 500, heatingShare: 1000 },
      ],
    ],
  ])('accepts %s', (_, ids, lines) => {
    const out = validateShareTable(ids, lines);
    expect(out.map((l) => l.apartmentId)).toEqual(ids);
    expect(out.reduce((s, l) => s + l.ownershipShare, 0)).toBe(1000);
  });

  it.each([
    ['an empty table', [A], [], 'input.shares'],
    ['a sum below 1000', [A, B], [{ apartmentId: A, ownershipShare: 600 }, { apartmentId: B, ownershipShare: 399 }], 'input.shares'],
    ['a sum above 1000', [A, B], [{ apartmentId: A, ownershipShare: 600 }, { apartmentId: B, ownershipShare: 401 }], 'input.shares'],
    ['a missing apartment', [A, B, C], [{ apartmentId: A, ownershipShare: 600 }, { apartmentId: B, ownershipShare: 400 }], 'input.shares'],
    ['an apartment of another building', [A], [{ apartmentId: B, ownershipShare: 1000 }], 'input.shares.0.apartmentId'],
    ['an apartment listed twice', [A, B], [{ apartmentId: A, ownershipShare: 500 }, { apartmentId: A, ownershipShare: 500 }], 'input.shares.1.apartmentId'],
    ['a zero ownership share', [A, B], [{ apartmentId: A, ownershipShare: 0 }, { apartmentId: B, ownershipShare: 1000 }], 'input.shares.0.ownershipShare'],
    ['a fractional share', [A, B], [{ apartmentId: A, ownershipShare: 500.5 }, { apartmentId: B, ownershipShare: 499.5 }], 'input.shares.0.ownershipShare'],
    [
      'heating shares for some apartments only',
      [A, B],
      [{ apartmentId: A, ownershipShare: 500, heatingShare: 1000 }, { apartmentId: B, ownershipShare: 500 }],
      'input.shares',
    ],
    [
      'other shares not summing to 1000',
      [A, B],
      [{ apartmentId: A, ownershipShare: 500, otherShare: 300 }, { apartmentId: B, ownershipShare: 500, otherShare: 300 }],
      'input.shares',
    ],
  ])('refuses %s', (_, ids, lines, f) => {
    expect(() => validateShareTable(ids, lines)).toThrow(field(f));
  });
});

describe('sharesComplete', () => {
  it.each([
    [[600, 400], true],
    [[600, null], false],
    [[600, 300], false],
    [[], false],
  ])('%p → %p', (shares, expected) => expect(sharesComplete(shares)).toBe(expected));
});

describe('buildingFields', () => {
  const input = { name: ' Harbour House ', address: { line1: '1 Quay St', city: 'Bristol', postcode: 'bs1 4dj' } };
  it('trims, normalises the UK postcode and defaults country and currency', () => {
    expect(buildingFields(input)).toEqual({ name: 'Harbour House', line1: '1 Quay St', line2: null, city: 'Bristol', postcode: 'BS1 4DJ', country: 'GB', currency: 'GBP' });
  });
  it('keeps what an update leaves out', () => {
    const current = buildingFields(input);
    expect(buildingFields({ name: 'New name' }, current)).toEqual({ ...current, name: 'New name' });
  });
  it.each([
    [{ ...input, name: ' ' }, 'input.name'],
    [{ ...input, address: { ...input.address, postcode: 'NOT A CODE' } }, 'input.address.postcode'],
    [{ ...input, address: { ...input.address, country: 'G1' } }, 'input.address.country'],
    [{ ...input, currency: 'XXQ' }, 'input.currency'],
  ])('refuses %p naming %s', (bad, f) => expect(() => buildingFields(bad)).toThrow(field(f)));
  it('takes any postcode text outside the UK', () => {
    expect(buildingFields({ ...input, address: { ...input.address, country: 'fr', postcode: '75001' } }).postcode).toBe('75001');
  });
});

describe('apartmentFields', () => {
  it('derives a payment reference from the id when none is given', () => {
    expect(apartmentFields({ unit: '4B' }, A)).toEqual({ unit: '4B', floor: null, paymentReference: defaultReference(A) });
    expect(defaultReference(A)).toBe('AP-0000000000');
  });
  it.each([
    [{ unit: '' }, 'input.unit'],
    [{ unit: '1', floor: 1.5 }, 'input.floor'],
    [{ unit: '1', paymentReference: 'a b' }, 'input.paymentReference'],
  ])('refuses %p naming %s', (bad, f) => expect(() => apartmentFields(bad, A)).toThrow(field(f)));
});

describe('partyFields', () => {
  const base = { role: 'owner', name: 'Ada Lovelace' };
  it('defaults to letters without consent to email or SMS', () => {
    expect(partyFields(base)).toMatchObject({ role: 'owner', preferredChannel: 'letter', consent: { email: false, sms: false, letter: false } });
  });
  it('accepts email as preferred channel with an address and consent, normalising the phone', () => {
    expect(partyFields({ ...base, email: 'ada@example.org', phone: '+44 7700 900123', preferredChannel: 'email', consent: { email: true } })).toMatchObject({
      email: 'ada@example.org',
      phone: '+447700900123',
      preferredChannel: 'email',
      consent: { email: true, sms: false, letter: false },
    });
  });
  it.each([
    [{ ...base, role: 'landlord' }, 'input.role'],
    [{ ...base, email: 'not-an-email' }, 'input.email'],
    [{ ...base, phone: '07700 900123' }, 'input.phone'],
    [{ ...base, preferredChannel: 'email', consent: { email: true } }, 'input.preferredChannel'],
    [{ ...base, email: 'ada@example.org', preferredChannel: 'email' }, 'input.preferredChannel'],
    [{ ...base, phone: '+447700900123', preferredChannel: 'sms', consent: { email: true } }, 'input.preferredChannel'],
    [{ ...base, consent: { sms: 'yes' } }, 'input.consent.sms'],
  ])('refuses %p naming %s', (bad, f) => expect(() => partyFields(bad)).toThrow(field(f)));
});
