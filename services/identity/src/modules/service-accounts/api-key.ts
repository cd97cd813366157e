import { badInput, requiredText } from '@commonhold/kit/domain';

/** An API key names its tenant (found under row-level security) and carries 256 random bits: `chk.<tenant>.<secret>`. */
export const formatApiKey = (tenantId: string, secret: string): string => `chk.${tenantId}.${secret}`;

export function parseApiKey(key: unknown): { tenantId: string } | null {
  if (typeof key !== 'string' || key.length > 200) return null;
  const m = /^chk\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{43})$/.exec(key);
  return m ? { tenantId: m[1]! } : null;
}

/** The longest an API key may live: a year; integrators rotate by creating the next key first. */
export const API_KEY_MAX_DAYS = 366;

/** A service account's name: 1–100 characters. */
export const accountName = (v: unknown): string => requiredText('input.name', v, 100);

/** An API key's expiry: an ISO instant at least an hour and at most API_KEY_MAX_DAYS ahead. */
export function apiKeyExpiry(value: unknown, now: Date): Date {
  // The DateTime scalar hands over a Date; a string is accepted too (direct callers).
  const at = value instanceof Date ? value : new Date(typeof value === 'string' ? value : NaN);
  if (Number.isNaN(at.getTime())) throw badInput('input.expiresAt', 'expiresAt must be an ISO 8601 instant');
  if (at.getTime() < now.getTime() + 3_600_000) throw badInput('input.expiresAt', 'An API key must live at least an hour');
  if (at.getTime() > now.getTime() + API_KEY_MAX_DAYS * 86_400_000) throw badInput('input.expiresAt', `An API key lives at most ${API_KEY_MAX_DAYS} days`);
  return at;
}
