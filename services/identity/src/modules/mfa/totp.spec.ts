import { Secret, TOTP } from 'otpauth';
import { checkTotp, looksLikeRecoveryCode, mfaNeeded, newRecoveryCodes, newTotpSecret, recoveryCodeHash, totpStep, totpUri } from './totp';

const secret = newTotpSecret();
const code = (at: number) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: at });
const T = Date.UTC(2026, 11, 6, 2, 0, 15); // mid-step
const S = totpStep(T);

describe('checkTotp (RFC 6238, ±1 step, replay refused)', () => {
  it.each([
    ['the current step', T, null, { ok: true, step: S }],
    ['the previous step', T - 30_000, null, { ok: true, step: S - 1 }],
    ['the next step', T + 30_000, null, { ok: true, step: S + 1 }],
    ['two steps old', T - 60_000, null, { ok: false, reason: 'invalid' }],
    ['two steps ahead', T + 60_000, null, { ok: false, reason: 'invalid' }],
    ['a step already accepted', T, S, { ok: false, reason: 'replayed' }],
    ['a step older than the last accepted', T - 30_000, S, { ok: false, reason: 'replayed' }],
    ['a step newer than the last accepted', T + 30_000, S, { ok: true, step: S + 1 }],
  ])('%s', (_name, at, last, expected) => {
    expect(checkTotp(secret, code(at), T, last)).toEqual(expected);
  });

  it.each([['12345'], ['1234567'], ['abcdef'], [123456], [undefined]])('refuses the malformed code %p', (c) => {
    expect(checkTotp(secret, c, T, null)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a code of another secret', () => {
    expect(checkTotp(newTotpSecret(), code(T), T, null)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('mfaNeeded', () => {
  it.each([
    [{ enrolled: true, tenantRequires: false, roles: ['fundraiser'] }, 'verify'],
    [{ enrolled: false, tenantRequires: false, roles: ['admin'] }, 'none'],
    [{ enrolled: false, tenantRequires: true, roles: ['admin'] }, 'enrol'],
    [{ enrolled: false, tenantRequires: true, roles: ['auditor', 'finance'] }, 'enrol'],
    [{ enrolled: false, tenantRequires: true, roles: ['fundraiser', 'owner'] }, 'none'],
    [{ enrolled: true, tenantRequires: true, roles: ['finance'] }, 'verify'],
  ])('%p → %s', (input, expected) => expect(mfaNeeded(input)).toBe(expected));
});

describe('enrolment URI and recovery codes', () => {
  it('puts issuer, label and the secret in an otpauth:// URI', () => {
    expect(totpUri(secret, 'a@example.org', 'Commonhold')).toBe(`otpauth://totp/Commonhold:a%40example.org?issuer=Commonhold&secret=${secret}&algorithm=SHA1&digits=6&period=30`);
  });

  it('makes ten distinct 80-bit codes whose hash ignores case and dashes', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) {
      expect(c).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
      expect(looksLikeRecoveryCode(c)).toBe(true);
      expect(recoveryCodeHash(c.toUpperCase().replace(/-/g, ' '))).toBe(recoveryCodeHash(c));
    }
    expect(looksLikeRecoveryCode('abcd-efgh')).toBe(false);
  });
});
