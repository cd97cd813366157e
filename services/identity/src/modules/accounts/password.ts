import { badInput } from '@commonhold/kit/domain';

/**
 * NIST SP 800-63B §5.1.1.2: at least 12 characters (our minimum), up to 256, no composition rules,
 * and refuse passwords known to be common. The list is small on purpose (the most used passwords
 * and the obvious product words); a breach-corpus check can be added behind the same function.
 */
const COMMON = new Set(
  [
    '123456789012', '1234567890123', '12345678901234', 'password1234', 'password12345', 'passwordpassword',
    'qwertyuiopas', 'qwerty123456', '1q2w3e4r5t6y', 'iloveyou1234', 'letmein12345', 'welcome12345',
    'administrator', 'admin1234567', 'changeme1234', 'abc123456789', 'aaaaaaaaaaaa', '111111111111',
    '000000000000', 'football1234', 'baseball1234', 'sunshine1234', 'princess1234', 'trustno11234',
    'monkey123456', 'dragon123456', 'master123456', 'superman1234', 'starwars1234', 'whatever1234',
    'qwertyqwerty', 'asdfghjkl123', 'zaq12wsxcde3', 'p@ssw0rd1234', 'passw0rd1234', 'correcthorsebatterystaple',
    'commonhold123', 'commonhold1234', 'commonholdcommonhold',
  ].map((p) => p.toLowerCase()),
);

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

/** The password as given (never trimmed or case-folded: every character counts), or BAD_USER_INPUT naming `field`. */
export function acceptablePassword(field: string, value: unknown, context: string[] = []): string {
  if (typeof value !== 'string') throw badInput(field, 'A password is required');
  const length = [...value].length;
  if (length < PASSWORD_MIN) throw badInput(field, `A password needs at least ${PASSWORD_MIN} characters`);
  if (length > PASSWORD_MAX) throw badInput(field, `A password has at most ${PASSWORD_MAX} characters`);
  const folded = value.toLowerCase();
  if (COMMON.has(folded) || /^(.)\1+$/.test(value)) throw badInput(field, 'This password is too common; choose another');
  if (context.some((c) => c.length >= 4 && folded.includes(c.toLowerCase()))) throw badInput(field, 'A password may not contain your email or name');
  return value;
}
