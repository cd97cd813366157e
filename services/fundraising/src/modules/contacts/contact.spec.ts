import { caught } from '@commonhold/testing/src/caught';
import { applyContactUpdate, displayName, validateNewContact, type ContactFields } from './contact';

const buildInput = (overrides: Record<string, unknown> = {}) => ({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', ...overrides });
// Every field a contact now has, with the defaults of a person given only names and email.
const ADA = {
  kind: 'PERSON',
  title: null,
  firstName: 'Ada',
  lastName: 'Lovelace',
  organisationName: null,
  email: 'ada@example.org',
  phone: null,
  address: null,
  excludeFromHouseholdName: false,
  householdId: null,
};

describe('validateNewContact', () => {
  it('returns the normalised contact', () => {
    expect(validateNewContact(buildInput())).toEqual(ADA);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['trims names', { firstName: '  Ada ', lastName: '\tLovelace\n' }, { firstName: 'Ada', lastName: 'Lovelace' }],
    ['lowercases the email', { email: 'Ada.Lovelace@Example.ORG' }, { email: 'ada.lovelace@example.org' }],
    ['null email stays null', { email: null }, { email: null }],
    ['absent email becomes null', { email: undefined }, { email: null }],
    ['names of exactly 100 characters', { firstName: 'a'.repeat(100), lastName: 'b'.repeat(100) }, { firstName: 'a'.repeat(100), lastName: 'b'.repeat(100) }],
    ['100 characters once trimmed', { firstName: ` ${'a'.repeat(100)} ` }, { firstName: 'a'.repeat(100) }],
  ])('%s', (_name, overrides, expected) => {
    expect(validateNewContact(buildInput(overrides))).toMatchObject(expected);
  });

  it('ignores fields it does not know (e.g. idempotencyKey)', () => {
    expect(validateNewContact(buildInput({ idempotencyKey: 'k' }))).toEqual(ADA);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['blank first name', { firstName: '' }, 'input.firstName', 'firstName must not be blank'],
    ['whitespace first name', { firstName: '   ' }, 'input.firstName', 'firstName must not be blank'],
    ['blank last name', { lastName: ' \t ' }, 'input.lastName', 'lastName must not be blank'],
    ['missing first name', { firstName: undefined }, 'input.firstName', 'firstName is required'],
    ['non-string last name', { lastName: 42 }, 'input.lastName', 'lastName is required'],
    ['too long first name', { firstName: 'a'.repeat(101) }, 'input.firstName', 'firstName must be at most 100 characters'],
    ['too long last name', { lastName: 'b'.repeat(101) }, 'input.lastName', 'lastName must be at most 100 characters'],
    ['bad email', { email: 'not-an-email' }, 'input.email', 'email is not a valid email address'],
    ['email without a domain', { email: 'ada@' }, 'input.email', 'email is not a valid email address'],
    ['email with spaces', { email: 'ada lovelace@example.org' }, 'input.email', 'email is not a valid email address'],
  ])('refuses %s as BAD_USER_INPUT naming the field', (_name, overrides, field, message) => {
    const err = caught(() => validateNewContact(buildInput(overrides)));
    expect(err.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(err.message).toBe(message);
  });

  it('refuses an email longer than 254 characters', () => {
    const email = `${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(10)}.org`;
    expect(email.length).toBeGreaterThan(254);
    expect(caught(() => validateNewContact(buildInput({ email })))).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.email' } });
  });

  it('accepts an email of exactly 254 characters', () => {
    const email = `${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.abcdef`;
    expect(email).toHaveLength(254);
    expect(validateNewContact(buildInput({ email })).email).toBe(email);
  });

  it('reports the first problem (first name before last name)', () => {
    expect(caught(() => validateNewContact(buildInput({ firstName: '', lastName: '' }))).extensions.field).toBe('input.firstName');
  });

  it.each([null, undefined, 'Ada'])('refuses input that is not an object (%p)', (input) => {
    expect(caught(() => validateNewContact(input)).extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('validateNewContact: kinds, title, phone, address, household', () => {
  const HOUSEHOLD = '6f1c2f7e-6a55-4b8e-9a37-0f6f5c1d2e3a';

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['kind defaults to PERSON', { kind: null }, { kind: 'PERSON' }],
    ['title trimmed', { title: ' Mrs. ' }, { title: 'Mrs.' }],
    ['blank title is none', { title: '  ' }, { title: null }],
    ['title of 20 characters', { title: 't'.repeat(20) }, { title: 't'.repeat(20) }],
    ['phone kept with spaces collapsed', { phone: ' +44 20  7946 0000 ' }, { phone: '+44 20 7946 0000' }],
    ['phone with brackets and dashes', { phone: '(020) 7946-0000' }, { phone: '(020) 7946-0000' }],
    ['address normalised, GB by default', { address: { line1: '1 High St', postcode: 'ec1a1bb' } }, { address: { houseNameOrNumber: null, line1: '1 High St', line2: null, city: null, postcode: 'EC1A 1BB', country: 'GB' } }],
    ['household id', { householdId: HOUSEHOLD.toUpperCase() }, { householdId: HOUSEHOLD }],
    ['excluded from household name', { excludeFromHouseholdName: true }, { excludeFromHouseholdName: true }],
    ['email trimmed', { email: ' ada@example.org ' }, { email: 'ada@example.org' }],
  ])('%s', (_name, overrides, expected) => {
    expect(validateNewContact(buildInput(overrides))).toMatchObject(expected);
  });

  it('an organisation keeps its name as organisationName and mirrors it in lastName', () => {
    expect(validateNewContact({ kind: 'ORGANISATION', organisationName: '  Acme Trust ', email: 'info@acme.org' })).toEqual({
      ...ADA,
      kind: 'ORGANISATION',
      firstName: null,
      lastName: 'Acme Trust',
      organisationName: 'Acme Trust',
      email: 'info@acme.org',
    });
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['unknown kind', buildInput({ kind: 'ROBOT' }), 'input.kind', 'kind must be PERSON or ORGANISATION'],
    ['too long title', buildInput({ title: 't'.repeat(21) }), 'input.title', 'title must be at most 20 characters'],
    ['organisation name on a person', buildInput({ organisationName: 'Acme' }), 'input.organisationName', 'organisationName is only for organisations (kind ORGANISATION)'],
    ['organisation without a name', { kind: 'ORGANISATION' }, 'input.organisationName', 'organisationName is required'],
    ['organisation with a blank name', { kind: 'ORGANISATION', organisationName: ' ' }, 'input.organisationName', 'organisationName must not be blank'],
    ['organisation with a first name', { kind: 'ORGANISATION', organisationName: 'Acme', firstName: 'Ada' }, 'input.firstName', 'an organisation has no firstName; give organisationName'],
    ['organisation with a last name', { kind: 'ORGANISATION', organisationName: 'Acme', lastName: 'Acme' }, 'input.lastName', 'an organisation has no lastName; give organisationName'],
    ['organisation in a household', { kind: 'ORGANISATION', organisationName: 'Acme', householdId: HOUSEHOLD }, 'input.householdId', 'an organisation cannot belong to a household'],
    ['too long organisation name', { kind: 'ORGANISATION', organisationName: 'a'.repeat(101) }, 'input.organisationName', 'organisationName must be at most 100 characters'],
    ['phone with letters', buildInput({ phone: '020 CALL ME' }), 'input.phone', 'phone must be a telephone number of 6 to 15 digits (spaces, brackets, "-" and a leading "+" allowed)'],
    ['phone too short', buildInput({ phone: '12345' }), 'input.phone', 'phone must be a telephone number of 6 to 15 digits (spaces, brackets, "-" and a leading "+" allowed)'],
    ['bad postcode', buildInput({ address: { line1: '1 High St', postcode: 'NOPE' } }), 'input.address.postcode', 'postcode "NOPE" is not a valid UK postcode'],
    ['bad country', buildInput({ address: { line1: '1 High St', country: 'ZZ' } }), 'input.address.country', 'country must be an ISO 3166-1 alpha-2 code such as GB'],
    ['household id that is not an id', buildInput({ householdId: 'h-1' }), 'input.householdId', 'householdId must be a household id'],
    ['non-boolean exclusion', buildInput({ excludeFromHouseholdName: 'yes' }), 'input.excludeFromHouseholdName', 'excludeFromHouseholdName must be true or false'],
  ])('refuses %s naming the field', (_name, input, field, message) => {
    const err = caught(() => validateNewContact(input));
    expect(err.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(err.message).toBe(message);
  });
});

describe('applyContactUpdate', () => {
  const { householdId: _h, ...stored } = { ...ADA, title: 'Ms.', address: { houseNameOrNumber: null, line1: '1 High St', line2: null, city: 'London', postcode: 'EC1A 1BB', country: 'GB' } } as ContactFields & { householdId: null };
  const org: ContactFields = { ...stored, kind: 'ORGANISATION', title: null, firstName: null, lastName: 'Acme', organisationName: 'Acme', address: null };

  it.each<[string, ContactFields, Record<string, unknown>, Partial<ContactFields>, string[]]>([
    ['nothing given, nothing changes', stored, {}, {}, []],
    ['same value, nothing changes', stored, { firstName: ' Ada ', email: 'ADA@example.org' }, {}, []],
    ['renames', stored, { lastName: 'King' }, { lastName: 'King' }, ['lastName']],
    ['null clears an optional field', stored, { title: null, email: null }, { title: null, email: null }, ['title', 'email']],
    ['address replaced whole', stored, { address: { line1: '2 Low Rd', postcode: 'm11ae' } }, { address: { houseNameOrNumber: null, line1: '2 Low Rd', line2: null, city: null, postcode: 'M1 1AE', country: 'GB' } }, ['address']],
    ['address cleared', stored, { address: null }, { address: null }, ['address']],
    ['organisation renamed: lastName mirrors it', org, { organisationName: 'Acme Trust' }, { organisationName: 'Acme Trust', lastName: 'Acme Trust' }, ['lastName', 'organisationName']],
    ['exclusion flag', stored, { excludeFromHouseholdName: true }, { excludeFromHouseholdName: true }, ['excludeFromHouseholdName']],
  ])('%s', (_name, current, patch, expected, changed) => {
    const r = applyContactUpdate(current, patch);
    expect(r.next).toEqual({ ...current, ...expected });
    expect(r.changed).toEqual(changed);
  });

  it.each<[string, ContactFields, Record<string, unknown>, string]>([
    ['a person’s first name cannot be cleared', stored, { firstName: null }, 'input.firstName'],
    ['blank last name', stored, { lastName: ' ' }, 'input.lastName'],
    ['bad postcode', stored, { address: { line1: 'x', postcode: 'SW1' } }, 'input.address.postcode'],
    ['an organisation gets no first name', org, { firstName: 'Ada' }, 'input.firstName'],
    ['bad email', stored, { email: 'nope' }, 'input.email'],
  ])('refuses %s', (_name, current, patch, field) => {
    expect(caught(() => applyContactUpdate(current, patch)).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('displayName', () => {
  it.each<[string, Parameters<typeof displayName>[0], string]>([
    ['person', { kind: 'PERSON', firstName: 'Ada', lastName: 'Lovelace', organisationName: null }, 'Ada Lovelace'],
    ['person without first name', { kind: 'PERSON', firstName: null, lastName: 'Lovelace', organisationName: null }, 'Lovelace'],
    ['organisation', { kind: 'ORGANISATION', firstName: null, lastName: 'Acme', organisationName: 'Acme Trust' }, 'Acme Trust'],
  ])('%s', (_name, c, expected) => expect(displayName(c)).toBe(expected));
});
