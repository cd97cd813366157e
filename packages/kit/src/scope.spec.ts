import { accessScope, GLOBAL_SCOPE, scopeAllows, scopeClaim, isScopeClaim, scopeRlsSql, scopeSettings } from './scope';

const B1 = '00000000-0000-4000-8000-0000000000b1';
const B2 = '00000000-0000-4000-8000-0000000000b2';
const A1 = '00000000-0000-4000-8000-0000000000a1';
const V1 = '00000000-0000-4000-8000-0000000000f1';

describe('scope claim', () => {
  it.each([
    ['global', true],
    [[`building:${B1}`], true],
    [[`building:${B1}`, `apartment:${A1}`, `vendor:${V1}`], true],
    [[`Building:${B1}`], false],
    [[B1], false],
    [[`building:${B1}x`], false],
    [[`tenant:${B1}`], false],
    [[], false],
    ['everything', false],
    [Array.from({ length: 501 }, () => `building:${B1}`), false],
  ])('%j valid: %s', (claim, ok) => {
    expect(isScopeClaim(claim)).toBe(ok);
  });

  it('parses typed entries into ids per kind, lower-cased and de-duplicated', () => {
    expect(accessScope([`building:${B1.toUpperCase()}`, `building:${B1}`, `apartment:${A1}`])).toEqual({ global: false, buildings: [B1], apartments: [A1], vendors: [] });
    expect(accessScope('global')).toBe(GLOBAL_SCOPE);
  });

  it('builds a claim from ids, refusing an empty one', () => {
    expect(scopeClaim({ buildings: [B1], vendors: [V1] })).toEqual([`building:${B1}`, `vendor:${V1}`]);
    expect(() => scopeClaim({})).toThrow();
    expect(() => scopeClaim({ buildings: ['nope'] })).toThrow();
  });
});

describe('scopeAllows', () => {
  const manager = accessScope([`building:${B1}`]);
  const owner = accessScope([`apartment:${A1}`]);
  const vendor = accessScope([`vendor:${V1}`]);
  it.each([
    ['global sees anything', GLOBAL_SCOPE, { buildingId: B2 }, true],
    ['manager: own building', manager, { buildingId: B1 }, true],
    ['manager: own building, any apartment', manager, { buildingId: B1, apartmentId: A1 }, true],
    ['manager: other building', manager, { buildingId: B2 }, false],
    ['manager: row without keys', manager, {}, false],
    ['owner: own apartment', owner, { buildingId: B2, apartmentId: A1 }, true],
    ['owner: building row only', owner, { buildingId: B2 }, false],
    ['vendor: own work', vendor, { vendorId: V1 }, true],
    ['vendor: building row', vendor, { buildingId: B1 }, false],
    ['id case does not matter', manager, { buildingId: B1.toUpperCase() }, true],
  ])('%s', (_, scope, row, allowed) => {
    expect(scopeAllows(scope, row)).toBe(allowed);
  });
});

describe('scope SQL', () => {
  it('settings say global or limited with comma lists', () => {
    expect(scopeSettings(GLOBAL_SCOPE)).toEqual({ 'app.scope': 'global', 'app.scope_buildings': '', 'app.scope_apartments': '', 'app.scope_vendors': '' });
    expect(scopeSettings(accessScope([`building:${B1}`, `building:${B2}`]))['app.scope_buildings']).toBe(`${B1},${B2}`);
  });
  it('a restrictive policy naming only the columns given; identifiers checked', () => {
    const [sql] = scopeRlsSql('charges', { building: 'building_id', apartment: 'apartment_id' });
    expect(sql).toMatch(/^CREATE POLICY charges_scope ON charges AS RESTRICTIVE USING/);
    expect(sql).toContain('building_id::text');
    expect(sql).not.toContain('scope_vendors');
    expect(() => scopeRlsSql('x; drop table y', { building: 'b' })).toThrow(/Unsafe/);
    expect(() => scopeRlsSql('t', { building: 'b"; --' })).toThrow(/Unsafe/);
  });
});
