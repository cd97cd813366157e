import { parseRoles, parseScope, scopeWithin } from './membership';

const B1 = '11111111-1111-4111-8111-111111111111';
const B2 = '22222222-2222-4222-8222-222222222222';
const V1 = '33333333-3333-4333-8333-333333333333';

describe('parseRoles', () => {
  it('keeps known roles once, in the canonical order', () => expect(parseRoles('r', ['auditor', 'admin', 'admin'])).toEqual(['admin', 'auditor']));
  it.each([[[]], [['root']], ['admin'], [null]])('refuses %p naming the field', (v) => {
    expect(() => parseRoles('input.roles', v)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'input.roles' }) }));
  });
});

describe('parseScope', () => {
  it.each([
    [['global'], [], 'global'],
    [[`building:${B2}`, `building:${B1}`, `building:${B1}`], ['building_manager'], [`building:${B1}`, `building:${B2}`]],
    [[`apartment:${B1.toUpperCase()}`], ['owner'], [`apartment:${B1}`]],
    [[`vendor:${V1}`], ['vendor'], [`vendor:${V1}`]],
  ] as const)('reads %p (roles %p) as %p', (v, roles, out) => expect(parseScope('s', v, roles)).toEqual(out));

  it.each([
    ['empty', [], []],
    ['global for a vendor', ['global'], ['vendor']],
    ['global for an owner', ['global'], ['owner']],
    ['global mixed with entries', ['global', `building:${B1}`], []],
    ['a bad id', ['building:42'], []],
    ['an unknown kind', [`street:${B1}`], []],
    ['two vendors', [`vendor:${B1}`, `vendor:${B2}`], []],
    ['a vendor with a building', [`vendor:${B1}`, `building:${B2}`], []],
    ['a vendor role without its vendor', [`building:${B1}`], ['vendor']],
  ] as const)('refuses %s naming the field', (_n, v, roles) => {
    expect(() => parseScope('input.scope', v, roles)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.scope' }) }));
  });
});

describe('scopeWithin', () => {
  it.each([
    ['global', 'global', true],
    [[`building:${B1}`], 'global', true],
    ['global', [`building:${B1}`], false],
    [[`building:${B1}`], [`building:${B1}`, `building:${B2}`], true],
    [[`building:${B2}`], [`building:${B1}`], false],
    [[`building:${B1}`, `building:${B2}`], [`building:${B1}`], false],
  ] as const)('%p within %p is %p', (requested, granted, expected) => expect(scopeWithin(requested as never, granted as never)).toBe(expected));
});
