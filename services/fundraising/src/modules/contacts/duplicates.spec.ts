import { duplicateReasons, type MatchFields } from './duplicates';

const buildFields = (overrides: Partial<MatchFields> = {}): MatchFields => ({ email: 'ada@example.org', firstName: 'Ada', lastName: 'Lovelace', postcode: 'SW1A 2AA', ...overrides });

describe('duplicateReasons', () => {
  it.each<[string, Partial<MatchFields>, Partial<MatchFields>, string[]]>([
    ['everything equal', {}, {}, ['SAME_EMAIL', 'SAME_NAME_AND_POSTCODE']],
    ['email differs only in case', { email: 'ADA@Example.org', postcode: null }, {}, ['SAME_EMAIL']],
    ['different email, same name and postcode', { email: 'other@example.org' }, {}, ['SAME_NAME_AND_POSTCODE']],
    ['names differ only in case', { email: null, firstName: 'ADA', lastName: 'lovelace' }, {}, ['SAME_NAME_AND_POSTCODE']],
    ['no email on either side is no email match', { email: null }, { email: null }, ['SAME_NAME_AND_POSTCODE']],
    ['different first name', { email: null, firstName: 'Augusta' }, {}, []],
    ['different last name', { email: null, lastName: 'Byron' }, {}, []],
    ['different postcode', { email: null, postcode: 'EC1A 1BB' }, {}, []],
    ['no postcode on either side is no name match', { email: null, postcode: null }, { postcode: null }, []],
    ['postcode on one side only', { email: null, postcode: null }, {}, []],
    ['organisations (no first name) match on name and postcode', { email: null, firstName: null, lastName: 'Acme Ltd' }, { firstName: null, lastName: 'ACME LTD' }, ['SAME_NAME_AND_POSTCODE']],
    ['a person does not match an organisation of the same name', { email: null, firstName: null, lastName: 'Lovelace' }, {}, []],
  ])('%s', (_name, a, b, expected) => {
    expect(duplicateReasons(buildFields(a), buildFields(b))).toEqual(expected);
  });
});
