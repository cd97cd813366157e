import { executable } from './preview';
import { predictContact, previewReminder, type ReminderApartmentFact } from './reminder-preview';
import { parseScope } from './scope';

const B1 = '11111111-1111-4111-8111-111111111111';
const B2 = '22222222-2222-4222-8222-222222222222';
const A = (n: number) => `aaaaaaaa-aaaa-4aaa-8aaa-${String(n).padStart(12, '0')}`;
const P = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

const owner = (overrides: Partial<NonNullable<ReminderApartmentFact['owner']>> = {}): NonNullable<ReminderApartmentFact['owner']> => ({
  partyId: P,
  preferredChannel: 'email',
  consent: { email: true, sms: false, letter: false },
  reachable: { email: true, sms: false, letter: true },
  ...overrides,
});
const buildApartment = (overrides: Partial<ReminderApartmentFact> = {}): ReminderApartmentFact => ({
  apartmentId: A(1), buildingId: B1, unit: '1', floor: 0, ownershipShare: 500, balanceMinor: 0, owner: owner(), ...overrides,
});
const params = { template: 'bulk.reminder', message: null };
const buildings = [{ buildingId: B1, currency: 'GBP' }, { buildingId: B2, currency: 'GBP' }];

describe('predictContact', () => {
  it.each([
    ['reachable with consent', owner(), 'email', []],
    ['no owner', null, null, ['NO_OWNER']],
    ['no consent to the preferred channel', owner({ preferredChannel: 'letter' }), 'letter', ['NO_CONSENT']],
    ['no phone for sms', owner({ preferredChannel: 'sms', consent: { email: false, sms: true, letter: false } }), 'sms', ['NO_ADDRESS']],
  ])('%s', (_n, o, channel, codes) => {
    const r = predictContact(o as ReminderApartmentFact['owner']);
    expect([r.channel, r.errors.map((e) => e.code)]).toEqual([channel, codes]);
    expect(r.errors.every((e) => e.blocking === false)).toBe(true);
  });
});

describe('previewReminder', () => {
  const apartments = [
    buildApartment({ apartmentId: A(3), unit: '10', balanceMinor: 300 }),
    buildApartment({ apartmentId: A(2), unit: '2', balanceMinor: 200, owner: null }),
    buildApartment({ apartmentId: A(4), buildingId: B2, unit: '1', balanceMinor: 400 }),
  ];

  it('lists the scope by building and unit with channel, owner and non-blocking contact errors, and stays executable', () => {
    const p = previewReminder(params, parseScope('input.scope', { buildingIds: [B1, B2] }, null), buildings, apartments);
    expect(p.items.map((i) => [i.buildingId === B1 ? 'B1' : 'B2', i.unit, i.channel, i.partyId, i.balanceBeforeMinor, i.chargeMinor, i.validationErrors.map((e) => e.code)])).toEqual([
      ['B1', '2', null, null, 200, 0, ['NO_OWNER']],
      ['B1', '10', 'email', P, 300, 0, []],
      ['B2', '1', 'email', P, 400, 0, []],
    ]);
    expect(p.estimatedImpact.map((b) => [b.items, b.validItems, b.invalidItems, b.balanceBeforeTotalMinor])).toEqual([[2, 1, 1, 500], [1, 1, 0, 400]]);
    expect(executable(p)).toBe(true);
  });

  it('blocks on an empty scope or an unknown building', () => {
    const none = previewReminder(params, parseScope('input.scope', { floors: [9] }, B1), buildings, apartments);
    expect(none.jobErrors.map((e) => e.code)).toEqual(['NO_APARTMENTS']);
    expect(executable(none)).toBe(false);
    const unknown = previewReminder(params, parseScope('input.scope', null, B1), [buildings[1]!], apartments);
    expect(unknown.jobErrors.map((e) => `${e.field}:${e.code}`)).toEqual(['scope.buildingIds.0:UNKNOWN_BUILDING', 'scope:NO_APARTMENTS']);
  });

  it("changes its hash when an owner's consent, a balance or the message changes, and only then", () => {
    const scope = parseScope('input.scope', null, B1);
    const base = previewReminder(params, scope, buildings, apartments).previewHash;
    expect(previewReminder(params, scope, buildings, [...apartments].reverse()).previewHash).toBe(base);
    expect(previewReminder(params, scope, buildings, apartments.map((a, i) => (i === 0 ? { ...a, owner: owner({ consent: { email: false, sms: false, letter: false } }) } : a))).previewHash).not.toBe(base);
    expect(previewReminder(params, scope, buildings, apartments.map((a, i) => (i === 0 ? { ...a, balanceMinor: 301 } : a))).previewHash).not.toBe(base);
    expect(previewReminder({ ...params, message: 'hi' }, scope, buildings, apartments).previewHash).not.toBe(base);
  });
});
