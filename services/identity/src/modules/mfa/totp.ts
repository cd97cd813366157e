import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/** RFC 6238 defaults every authenticator app understands: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
/** Codes of one step before or after the server's are accepted (clock drift, typing time). */
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;
/** Roles whose members must use a second factor when the tenant requires it. */
export const MFA_PRIVILEGED_ROLES: readonly string[] = ['admin', 'finance'];

/** A new random 160-bit secret (RFC 4226 §4 recommends 160 bits), base32 as apps expect. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

const totp = (secretBase32: string, label = 'member', issuer = 'Commonhold') =>
  new TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secretBase32) });

/** The `otpauth://totp/...` URI an authenticator app scans (shown once, at enrolment). */
export const totpUri = (secretBase32: string, label: string, issuer: string): string => totp(secretBase32, label, issuer).toString();

/** The time step a timestamp falls in. */
export const totpStep = (atMs: number): number => Math.floor(atMs / 1000 / TOTP_PERIOD_SECONDS);

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'invalid' | 'replayed' };

/**
 * Checks a 6-digit code against the secret at `atMs`, within ±TOTP_WINDOW steps. A code whose step is
 * not newer than `lastStep` (the newest step already accepted) is a replay (RFC 6238 §5.2): refused
 * even inside its window. Returns the step to record on success.
 */
export function checkTotp(secretBase32: string, code: unknown, atMs: number, lastStep: number | null): TotpCheck {
  if (typeof code !== 'string' || !/^\d{6}$/.test(code)) return { ok: false, reason: 'invalid' };
  const delta = totp(secretBase32).validate({ token: code, timestamp: atMs, window: TOTP_WINDOW });
  if (delta === null) return { ok: false, reason: 'invalid' };
  const step = totpStep(atMs) + delta;
  if (lastStep !== null && step <= lastStep) return { ok: false, reason: 'replayed' };
  return { ok: true, step };
}

/** Whether a member must pass a second factor: they enrolled one, or the tenant requires it of their role. */
export function mfaNeeded(p: { enrolled: boolean; tenantRequires: boolean; roles: readonly string[] }): 'none' | 'verify' | 'enrol' {
  if (p.enrolled) return 'verify';
  if (p.tenantRequires && p.roles.some((r) => MFA_PRIVILEGED_ROLES.includes(r))) return 'enrol';
  return 'none';
}

/** Recovery codes: 80 random bits each, `xxxx-xxxx-xxxx-xxxx` in lower-case base32. */
export function newRecoveryCodes(n = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: n }, () => {
    const s = new Secret({ buffer: new Uint8Array(randomBytes(10)).buffer }).base32.toLowerCase();
    return s.match(/.{4}/g)!.join('-');
  });
}

/** Recovery codes are stored as SHA-256 of their normalised form (high-entropy: no slow hash needed). */
export function recoveryCodeHash(code: string): string {
  return createHash('sha256').update(code.toLowerCase().replace(/[^a-z2-7]/g, '')).digest('hex');
}

/** Accepts `xxxx-xxxx-xxxx-xxxx` with any case, spaces or dashes. */
export const looksLikeRecoveryCode = (code: unknown): code is string => typeof code === 'string' && code.length <= 40 && code.toLowerCase().replace(/[^a-z2-7]/g, '').length === 16;
