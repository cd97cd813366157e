import { householdNames, joinList, type NamingMember } from './household-naming';

const buildMember = (overrides: Partial<NamingMember> = {}): NamingMember => ({ title: null, firstName: 'John', lastName: 'Smith', excludeFromHouseholdName: false, ...overrides });
const m = (title: string | null, firstName: string | null, lastName: string, excludeFromHouseholdName = false) => buildMember({ title, firstName, lastName, excludeFromHouseholdName });

describe('joinList', () => {
  it.each<[string[], string]>([
    [[], ''],
    [['A'], 'A'],
    [['A', 'B'], 'A and B'],
    [['A', 'B', 'C'], 'A, B and C'],
    [['A', 'B', 'C', 'D'], 'A, B, C and D'],
  ])('%j → %p', (parts, expected) => expect(joinList(parts)).toBe(expected));
});

describe('householdNames', () => {
  it.each<[string, NamingMember[], string, string, string]>([
    ['one member', [m('Mr.', 'John', 'Smith')], 'Smith Household', 'Mr. John Smith', 'John'],
    ['couple with one last name', [m('Mr.', 'John', 'Smith'), m('Mrs.', 'Jane', 'Smith')], 'Smith Household', 'Mr. John and Mrs. Jane Smith', 'John and Jane'],
    ['couple with two last names', [m('Mr.', 'John', 'Smith'), m('Ms.', 'Ann', 'Jones')], 'Smith and Jones Household', 'Mr. John Smith and Ms. Ann Jones', 'John and Ann'],
    [
      'three last names',
      [m('Mr.', 'John', 'Smith'), m('Ms.', 'Ann', 'Jones'), m('Dr.', 'Bob', 'Brown')],
      'Smith, Jones and Brown Household',
      'Mr. John Smith, Ms. Ann Jones and Dr. Bob Brown',
      'John, Ann and Bob',
    ],
    [
      'three of one name: listed in member order',
      [m('Mr.', 'John', 'Smith'), m('Mrs.', 'Jane', 'Smith'), m(null, 'Sue', 'Smith')],
      'Smith Household',
      'Mr. John, Mrs. Jane and Sue Smith',
      'John, Jane and Sue',
    ],
    [
      'grouped by last name in order of first appearance',
      [m(null, 'John', 'Smith'), m(null, 'Ann', 'Jones'), m(null, 'Jane', 'Smith')],
      'Smith and Jones Household',
      'John and Jane Smith and Ann Jones',
      'John, Jane and Ann',
    ],
    ['last names compared ignoring case, spelled as first seen', [m(null, 'John', 'McDonald'), m(null, 'Jane', 'MCDONALD')], 'McDonald Household', 'John and Jane McDonald', 'John and Jane'],
    ['no titles', [m(null, 'John', 'Smith'), m(null, 'Jane', 'Smith')], 'Smith Household', 'John and Jane Smith', 'John and Jane'],
    ['excluded member left out of every name', [m('Mr.', 'John', 'Smith'), m('Ms.', 'Ann', 'Jones', true)], 'Smith Household', 'Mr. John Smith', 'John'],
    ['excluded member of a shared last name', [m('Mr.', 'John', 'Smith'), m(null, 'Tim', 'Smith', true), m('Mrs.', 'Jane', 'Smith')], 'Smith Household', 'Mr. John and Mrs. Jane Smith', 'John and Jane'],
    ['everyone excluded: all are named', [m('Mr.', 'John', 'Smith', true), m('Ms.', 'Ann', 'Jones', true)], 'Smith and Jones Household', 'Mr. John Smith and Ms. Ann Jones', 'John and Ann'],
    ['no first name: informal uses title and last name', [m('Dr.', null, 'Who')], 'Who Household', 'Dr. Who', 'Dr. Who'],
    ['neither title nor first name', [m(null, null, 'Who')], 'Who Household', 'Who', 'Who'],
    ['a member with neither is left out of the formal list', [m('Mr.', 'John', 'Smith'), m(null, null, 'Smith')], 'Smith Household', 'Mr. John Smith', 'John and Smith'],
    ['surrounding spaces are ignored', [m(' Mr. ', ' John ', ' Smith ')], 'Smith Household', 'Mr. John Smith', 'John'],
  ])('%s', (_name, members, name, formalGreeting, informalGreeting) => {
    expect(householdNames(members)).toEqual({ name, formalGreeting, informalGreeting });
  });

  it('has no names for a household without members', () => {
    expect(householdNames([])).toBeNull();
  });
});
