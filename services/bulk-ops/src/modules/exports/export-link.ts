import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Keyring } from '@commonhold/kit';

/**
 * Short-lived signed download links for exports: `/bulk-exports/<id>?t=<tenant>&exp=<unix s>&kid=<key id>&sig=<hmac>`.
 * The HMAC-SHA256 key is derived (HKDF) from the service's key-encryption key (`SECRETS_KEKS`), so a
 * KEK rotation rotates it too; links signed under an older KEK still verify while it is listed.
 * The signature binds tenant, export id and expiry: none can be changed without forging it.
 */
export const LINK_TTL_SECONDS = 5 * 60;
export const EXPORT_ROUTE = '/bulk-exports';

const keyOf = (kek: Buffer) => Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'commonhold bulk-ops export link v1', 32));
const mac = (key: Buffer, tenantId: string, id: string, exp: number) => createHmac('sha256', key).update(`${tenantId}\n${id}\n${exp}`).digest('base64url');

export function signExportLink(keyring: Keyring, tenantId: string, id: string, now = Date.now(), ttlSeconds = LINK_TTL_SECONDS): { url: string; expiresAt: Date } {
  const exp = Math.floor(now / 1000) + ttlSeconds;
  const sig = mac(keyOf(keyring.current.key), tenantId, id, exp);
  const q = new URLSearchParams({ t: tenantId, exp: String(exp), kid: keyring.current.id, sig });
  return { url: `${EXPORT_ROUTE}/${id}?${q.toString()}`, expiresAt: new Date(exp * 1000) };
}

export type LinkCheck = { ok: true; tenantId: string } | { ok: false; reason: 'invalid' | 'expired' };

/** Checks a link's signature first (a forged link is `invalid` whatever its expiry), then its expiry. */
export function verifyExportLink(keyring: Keyring, id: string, q: Record<string, unknown>, now = Date.now()): LinkCheck {
  const { t, exp, kid, sig } = q;
  if (typeof t !== 'string' || typeof exp !== 'string' || typeof kid !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return { ok: false, reason: 'invalid' };
  const kek = keyring.byId.get(kid);
  if (!kek) return { ok: false, reason: 'invalid' };
  const want = Buffer.from(mac(keyOf(kek), t, id, Number(exp)));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: 'invalid' };
  if (Number(exp) * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, tenantId: t };
}
