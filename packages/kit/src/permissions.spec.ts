import { AUTHENTICATED, authorize, grantCovers, PERMISSION_PATTERN, ROLE_GRANTS, ROLES, rolesGrant, rolesGranting, type AccessRule } from './permissions';

const B1 = '00000000-0000-4000-8000-0000000000b1';
const rule = (r: AccessRule['rule'], scopedCallers = false): AccessRule => ({ rule: r, scopedCallers, module: 'm' });
const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    return { message: (e as Error).message, ...(e as { extensions: Record<string, unknown> }).extensions };
  }
  return null;
};

describe('permission matrix', () => {
  it.each([
    ['*', 'contacts:erase', true],
    ['*:read', 'contacts:read', true],
    ['*:read', 'gift-aid:read', true],
    ['*:read', 'contacts:erase', false],
    ['*:read', 'contacts:reader', false],
    ['gifts:write', 'gifts:write', true],
    ['gifts:write', 'gifts:refund', false],
  ] as const)('grant %s covers %s: %s', (grant, permission, covers) => {
    expect(grantCovers(grant, permission)).toBe(covers);
  });

  it.each([
    [['admin'], 'contacts:erase', true],
    [['auditor'], 'gifts:read', true],
    [['auditor'], 'gifts:write', false],
    [['fundraiser'], 'contacts:erase', false],
    [['fundraiser'], 'gift-aid:claim', false],
    [['finance'], 'gift-aid:claim', true],
    [['fundraiser', 'finance'], 'gift-aid:claim', true],
    [['viewer'], 'contacts:read', false],
    [['Admin'], 'contacts:read', false],
    [[], 'contacts:read', false],
    [['owner', 'vendor', 'building_manager'], 'contacts:read', false],
  ])('%j grants %s: %s', (roles, permission, granted) => {
    expect(rolesGrant(roles, permission as `${string}:${string}`)).toBe(granted);
  });

  it('keeps the auditor read-only: every non-read permission any role is granted stays out of its reach', () => {
    const explicit = ROLES.flatMap((r) => ROLE_GRANTS[r].grants).filter((g) => g !== '*' && g !== '*:read');
    for (const p of explicit) expect(rolesGrant(['auditor'], p as `${string}:${string}`)).toBe(p.endsWith(':read'));
  });

  it('writes every explicit grant as <resource>:<action> and lists each once per role', () => {
    for (const r of ROLES) {
      const grants = ROLE_GRANTS[r].grants.filter((g) => g !== '*' && g !== '*:read');
      expect(grants.filter((g) => !PERMISSION_PATTERN.test(g))).toEqual([]);
      expect(new Set(ROLE_GRANTS[r].grants).size).toBe(ROLE_GRANTS[r].grants.length);
    }
  });

  it('names the roles granting a permission in matrix order', () => {
    expect(rolesGranting('gift-aid:claim')).toEqual(['admin', 'finance']);
    expect(rolesGranting('payment-providers:configure')).toEqual(['admin']);
  });
});

describe('authorize', () => {
  const admin = { roles: ['admin'], scope: 'global' as const };

  it('admits a caller whose roles grant the rule, and any valid caller on an AUTHENTICATED rule', () => {
    expect(() => authorize(admin, 'Mutation.eraseContact', rule('contacts:erase'))).not.toThrow();
    expect(() => authorize({ roles: [], scope: 'global' }, 'Query.me', rule(AUTHENTICATED))).not.toThrow();
  });

  it('refuses with FORBIDDEN naming the missing permission', () => {
    expect(refusal(() => authorize({ roles: ['viewer'], scope: 'global' }, 'Mutation.eraseContact', rule('contacts:erase')))).toEqual({
      message: 'Mutation.eraseContact needs the contacts:erase permission, which none of your roles (viewer) grants',
      code: 'FORBIDDEN',
      permission: 'contacts:erase',
      operation: 'Mutation.eraseContact',
      reason: 'PERMISSION',
    });
    expect(refusal(() => authorize({ roles: [], scope: 'global' }, 'Mutation.rebuildRollups', rule('rollups:rebuild')))).toMatchObject({ code: 'FORBIDDEN', permission: 'rollups:rebuild', message: expect.stringContaining('(none)') });
  });

  it('refuses an operation that declares no rule, to everyone (deny by default)', () => {
    expect(refusal(() => authorize(admin, 'Mutation.newThing', undefined))).toMatchObject({ code: 'FORBIDDEN', permission: null, operation: 'Mutation.newThing', reason: 'NO_RULE' });
  });

  it('refuses a narrow-scope caller where the data is not fenced by scope, whatever its roles', () => {
    const scoped = { roles: ['admin'], scope: [`building:${B1}`] };
    expect(refusal(() => authorize(scoped, 'Query.contacts', rule('contacts:read')))).toMatchObject({ code: 'FORBIDDEN', permission: 'contacts:read', reason: 'SCOPE' });
    expect(() => authorize(scoped, 'Query.buildings', rule('buildings:read', true))).not.toThrow();
    // The permission is still needed where scoped callers are admitted.
    expect(refusal(() => authorize({ roles: ['owner'], scope: [`building:${B1}`] }, 'Query.buildings', rule('buildings:read', true)))).toMatchObject({ reason: 'PERMISSION' });
  });
});
