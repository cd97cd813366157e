import { canMove, decideTransition, placeFor, SIGNUP_STATUSES, validatePublicSignup, type SignupStatus } from './signup';

const ext = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { extensions: Record<string, unknown> }).extensions;
  }
  return null;
};

describe('V4S status moves', () => {
  const allowed: Record<SignupStatus, SignupStatus[]> = {
    PROSPECT: ['CONFIRMED', 'CANCELED'],
    WEB_SIGN_UP: ['CONFIRMED', 'COMPLETED', 'NO_SHOW', 'CANCELED'],
    CONFIRMED: ['COMPLETED', 'NO_SHOW', 'CANCELED'],
    COMPLETED: ['COMPLETED', 'NO_SHOW'],
    NO_SHOW: ['COMPLETED'],
    CANCELED: [],
  };
  for (const from of SIGNUP_STATUSES) {
    for (const to of SIGNUP_STATUSES) {
      const ok = allowed[from].includes(to);
      it(`${from} → ${to}: ${ok ? 'allowed' : 'refused'}`, () => expect(canMove(from, to)).toBe(ok));
    }
  }
});

describe('decideTransition', () => {
  it('requires hours when COMPLETED and keeps them in minutes', () => {
    expect(decideTransition('CONFIRMED', 'COMPLETED', 2.5, false)).toEqual({ status: 'COMPLETED', minutes: 150 });
    expect(ext(() => decideTransition('CONFIRMED', 'COMPLETED', null, false))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.hours' });
  });
  it.each([0, -1, 24.5, Number.NaN, '3'])('refuses hours %p', (h) => expect(ext(() => decideTransition('CONFIRMED', 'COMPLETED', h, false))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.hours' }));
  it('refuses hours on any other status rather than dropping them', () =>
    expect(ext(() => decideTransition('CONFIRMED', 'NO_SHOW', 2, false))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.hours' }));
  it('refuses a move the rules do not allow as CONFLICT naming input.status', () =>
    expect(ext(() => decideTransition('CANCELED', 'CONFIRMED', null, false))).toMatchObject({ code: 'CONFLICT', field: 'input.status', reason: 'STATUS_TRANSITION' }));
  it('refuses an unknown status as bad input', () => expect(ext(() => decideTransition('CONFIRMED', 'DONE', null, false))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.status' }));
  it('lets a waitlisted signup only cancel', () => {
    expect(ext(() => decideTransition('CONFIRMED', 'COMPLETED', 2, true))).toMatchObject({ code: 'CONFLICT', reason: 'WAITLISTED' });
    expect(decideTransition('CONFIRMED', 'CANCELED', null, true)).toEqual({ status: 'CANCELED', minutes: null });
  });
  it('names the fields it is given (bulk entries)', () =>
    expect(ext(() => decideTransition('CONFIRMED', 'COMPLETED', null, false, { status: 'input.entries.3.attended', hours: 'input.entries.3.hours' }))).toMatchObject({ field: 'input.entries.3.hours' }));
});

describe('placeFor (capacity)', () => {
  it.each([
    ['CONFIRMED', 3, 4, false],
    ['CONFIRMED', 4, 4, true],
    ['WEB_SIGN_UP', 5, 4, true],
    ['PROSPECT', 4, 4, false], // a prospect holds no place, so never waits
  ] as const)('%s with %i of %i taken → waitlisted %p', (status, taken, capacity, waitlisted) => expect(placeFor(status, taken, capacity)).toEqual({ waitlisted }));
});

describe('validatePublicSignup', () => {
  const build = (o: Record<string, unknown> = {}) => ({ firstName: 'Ada', lastName: 'Lovelace', email: 'Ada@Example.org', ...o });
  it('normalises and defaults consent to not given', () =>
    expect(validatePublicSignup(build({ postcode: 'sw1a 1aa' }))).toEqual({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', phone: null, postcode: 'SW1A 1AA', consent: { email: false, sms: false } }));
  it.each([
    [{ firstName: '' }, 'firstName'],
    [{ lastName: 'x'.repeat(101) }, 'lastName'],
    [{ email: 'not-an-email' }, 'email'],
    [{ email: null, phone: null }, 'email'],
    [{ phone: 'call me' }, 'phone'],
    [{ consent: { sms: true } }, 'consent.sms'],
    [{ consent: 'yes' }, 'consent'],
  ])('refuses %p naming %s', (o, f) => expect(ext(() => validatePublicSignup(build(o)))).toMatchObject({ code: 'BAD_USER_INPUT', field: f }));
});
