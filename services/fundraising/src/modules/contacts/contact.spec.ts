import { caught } from '@commonhold/testing/src/caught';
import { validateNewContact } from './contact';

const buildInput = (overrides: Record<string, unknown> = {}) => ({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', ...overrides });

describe('validateNewContact', () => {
  it('returns the normalised contact', () => {
    expect(validateNewContact(buildInput())).toEqual({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org' });
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
    expect(validateNewContact(buildInput({ idempotencyKey: 'k' }))).toEqual({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org' });
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
