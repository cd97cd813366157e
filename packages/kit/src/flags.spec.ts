import { FEATURE_FLAGS } from './config';
import { featureOnFor, parsePilotTenants } from './flags';
import { parseFlagCommand } from './service-main';

describe('pilot tenants (FEATURE_PILOT_TENANTS)', () => {
  it('parses FLAG:tenant,tenant pairs separated by semicolons', () => {
    const p = parsePilotTenants(' ENABLE_VOLUNTEERS: acme, bravo ;ENABLE_VENDOR_PORTAL:charlie', FEATURE_FLAGS);
    expect([...p.entries()].map(([f, t]) => [f, [...t]])).toEqual([
      ['ENABLE_VOLUNTEERS', ['acme', 'bravo']],
      ['ENABLE_VENDOR_PORTAL', ['charlie']],
    ]);
    expect(parsePilotTenants(undefined, FEATURE_FLAGS).size).toBe(0);
    expect(parsePilotTenants('', FEATURE_FLAGS).size).toBe(0);
  });

  it('refuses unknown flags, bad tenant ids, empty lists and a flag listed twice, naming each', () => {
    expect(() => parsePilotTenants('ENABLE_NOPE:acme;ENABLE_VOLUNTEERS:bad tenant;ENABLE_VENDOR_PORTAL:;ENABLE_SLO_METRICS:a;ENABLE_SLO_METRICS:b', FEATURE_FLAGS)).toThrow(
      /"ENABLE_NOPE:acme": expected FLAG:tenant,tenant with a known flag; "ENABLE_VOLUNTEERS:bad tenant": tenant ids are .*; "ENABLE_VENDOR_PORTAL:": tenant ids .*; ENABLE_SLO_METRICS is listed twice/,
    );
  });
});

describe('featureOnFor', () => {
  const pilots = parsePilotTenants('ENABLE_VOLUNTEERS:pilot-1,pilot-2', FEATURE_FLAGS);
  it.each([
    // env default, tenant, tenant setting → on?
    [false, 'pilot-1', undefined, true],
    [false, 'other', undefined, false],
    [true, 'other', undefined, true],
    [false, 'other', true, true],
    [true, 'pilot-1', false, false],
    [true, 'other', false, false],
  ])('default %s, tenant %s, setting %s → %s', (dflt, tenant, setting, on) => {
    expect(featureOnFor('ENABLE_VOLUNTEERS', tenant, { config: { ENABLE_VOLUNTEERS: dflt }, pilots }, setting)).toBe(on);
  });
});

describe('main flag …', () => {
  it('parses on, off and clear with the actor', () => {
    expect(parseFlagCommand(['ENABLE_VOLUNTEERS', 'acme', 'on', '--actor', 'ops-alice'])).toEqual({ flag: 'ENABLE_VOLUNTEERS', tenantId: 'acme', enabled: true, actor: 'ops-alice' });
    expect(parseFlagCommand(['--actor', 'ops-bob', 'ENABLE_VOLUNTEERS', 'acme', 'off']).enabled).toBe(false);
    expect(parseFlagCommand(['ENABLE_VOLUNTEERS', 'acme', 'clear', '--actor', 'ops-bob']).enabled).toBeNull();
  });

  it('refuses a bad flag, tenant, value and a missing actor, naming each', () => {
    expect(() => parseFlagCommand(['ENABLE_NOPE', 'a b', 'maybe'])).toThrow(/flag: one of .*; tenant: .*; value: on, off or clear; --actor: who makes the change[\s\S]*usage: main flag/);
  });
});
