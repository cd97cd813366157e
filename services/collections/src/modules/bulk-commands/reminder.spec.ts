import { bulkReminderKey, routeReminder, type ReminderOwner } from './reminder';

const buildOwner = (overrides: Partial<ReminderOwner> = {}): ReminderOwner => ({
  preferredChannel: 'email',
  consent: { email: true, sms: false, letter: false },
  reachable: { email: true, sms: false, letter: true },
  ...overrides,
});

describe('routeReminder', () => {
  it.each([
    ['the preferred channel with consent and address', true, buildOwner(), { channel: 'email' }],
    ['a letter with consent (the apartment address suffices)', true, buildOwner({ preferredChannel: 'letter', consent: { email: false, sms: false, letter: true } }), { channel: 'letter' }],
    ['no apartment', false, buildOwner(), { code: 'NOT_FOUND', field: 'apartmentId' }],
    ['no owner', true, null, { code: 'NO_OWNER', field: 'owner' }],
    ['no consent to the preferred channel', true, buildOwner({ consent: { email: false, sms: true, letter: true } }), { code: 'NO_CONSENT', field: 'owner.consent.email' }],
    ['a letter without consent', true, buildOwner({ preferredChannel: 'letter' }), { code: 'NO_CONSENT', field: 'owner.consent.letter' }],
    ['sms consent without a phone', true, buildOwner({ preferredChannel: 'sms', consent: { email: false, sms: true, letter: false } }), { code: 'NO_ADDRESS', field: 'owner.phone' }],
  ])('%s', (_name, found, owner, expected) => {
    expect(routeReminder(found, owner)).toMatchObject(expected);
  });

  it('keys a delivery by job and item', () => {
    expect(bulkReminderKey('j', 'i')).toBe('bulk-reminder/j/i');
  });
});
