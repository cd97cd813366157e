import { createHash } from 'node:crypto';

/** The refresh cookie (`__Host-`: Secure, no Domain, Path=/ — the browser refuses it otherwise). */
export const REFRESH_COOKIE = '__Host-commonhold_refresh';
/** Double-submit anti-CSRF cookie: readable by the page, echoed in `x-csrf-token` on refresh and logout. */
export const CSRF_COOKIE = '__Host-commonhold_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** A refresh token names its tenant (so identity finds it under row-level security) and carries 256 random bits. */
export const formatRefreshToken = (tenantId: string, secret: string): string => `${tenantId}.${secret}`;

export function parseRefreshToken(token: unknown): { tenantId: string } | null {
  if (typeof token !== 'string' || token.length > 200) return null;
  const m = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return m ? { tenantId: m[1]! } : null;
}

/** Tokens are stored as their SHA-256 (high-entropy secrets need no slow hash); the token itself never is. */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Growing lockout: the n-th lockout of an account lasts 1, 2, 4, … minutes, at most an hour. */
export const lockoutSeconds = (n: number): number => Math.min(60 * 2 ** Math.max(0, n - 1), 3600);

export interface CookieSpec {
  name: string;
  value: string;
  httpOnly: boolean;
  maxAgeSeconds: number;
}

/** A `Set-Cookie` value with the flags the refresh cookie needs: Secure; SameSite=Strict; Path=/ (and HttpOnly). */
export function setCookie(c: CookieSpec): string {
  return [`${c.name}=${c.value}`, 'Path=/', 'Secure', ...(c.httpOnly ? ['HttpOnly'] : []), 'SameSite=Strict', `Max-Age=${c.maxAgeSeconds}`].join('; ');
}

/** Reads one cookie from a `Cookie` header (no decoding: our values are base64url). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}
