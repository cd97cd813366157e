import { can, requirePermission } from './access';

describe('collections permissions', () => {
  it.each([
    [['admin'], 'collections.erase', true],
    [['manager'], 'collections.manage', true],
    [['manager'], 'collections.erase', false],
    [['accountant'], 'collections.ledger', true],
    [['accountant'], 'collections.manage', false],
    [['owner'], 'collections.read', true],
    [['owner'], 'collections.ledger', false],
    [['volunteer'], 'collections.read', false],
    [[], 'collections.read', false],
    [['owner', 'accountant'], 'collections.ledger', true],
  ] as const)('roles %p → %s: %p', (roles, permission, expected) => {
    expect(can({ roles: [...roles] }, permission)).toBe(expected);
  });

  it('refuses with FORBIDDEN', () => {
    expect(() => requirePermission({ roles: ['viewer'] }, 'collections.manage')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }));
  });
});
