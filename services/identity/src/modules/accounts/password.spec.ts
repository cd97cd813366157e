import { acceptablePassword } from './password';

describe('acceptablePassword (NIST SP 800-63B)', () => {
  it.each([
    ['twelve chars', 'abcdefghijkl'],
    ['no composition rules: all lower case words', 'correct staple horse battery'],
    ['unicode counted by code point', 'ünïcödé-pässwörd'],
    ['spaces kept as typed', '  spaced out  '],
  ])('accepts %s', (_name, pw) => expect(acceptablePassword('password', pw)).toBe(pw));

  it.each([
    ['too short', 'elevenchars', /at least 12/],
    ['too long', 'x'.repeat(257) + 'y', /at most 256/],
    ['common', 'Password1234', /too common/],
    ['one repeated character', 'zzzzzzzzzzzzzz', /too common/],
    ['not a string', 123456789012, /required/],
    ['containing the email', 'my mail is ada.lovelace!', /email or name/],
  ] as const)('refuses %s naming the field', (_name, pw, message) => {
    expect(() => acceptablePassword('password', pw, ['ada.lovelace@example.org', 'ada.lovelace'])).toThrow(
      expect.objectContaining({ message: expect.stringMatching(message), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'password' }) }),
    );
  });

  it('ignores very short context words (no false refusals on initials)', () => {
    expect(acceptablePassword('password', 'a quiet evening by the sea', ['a', 'ev'])).toBe('a quiet evening by the sea');
  });
});
