/**
 * Secrets at rest (envelope encryption). A tenant's secrets (payment-provider webhook secrets and
 * API keys, integrators' credentials) are encrypted with that tenant's data key (AES-256-GCM); the
 * data key is stored only wrapped by a key-encryption key (KEK) that lives outside the database
 * (`SECRETS_KEKS`, or a KMS in front of it). The app role reads ciphertext only; a database dump
 * without the KEK reveals nothing.
 *
 * `SECRETS_KEKS` = `id:base64(32 bytes)[,id:base64…]`: the first key wraps new data keys, the others
 * still unwrap old ones. Rotation without downtime (docs/runbooks/secrets.md): add the new key first
 * and roll out; every service rewraps its data keys under it on start (`rewrapAll`, metric
 * `secrets_data_keys_on_old_kek`); when that reads 0 everywhere, drop the old key and roll out again.
 * Sealed values name their data key, so data-key rotation (`rotateDataKey`) needs no re-encryption.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { withTenant } from './db';

const PREFIX = 'chs1';
const KEY_BYTES = 32;

export interface Keyring {
  current: { id: string; key: Buffer };
  byId: ReadonlyMap<string, Buffer>;
}

/** Non-production only: a fixed key so the embedded default survives restarts. Never for real data. */
export const DEV_KEK = `dev:${createHash('sha256').update('commonhold development key-encryption key').digest('base64')}`;

/** Parses `SECRETS_KEKS`; throws on a malformed list (ids unique, keys 32 bytes). */
export function parseKeyring(value: string): Keyring {
  const byId = new Map<string, Buffer>();
  let current: Keyring['current'] | undefined;
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf(':');
    const id = part.slice(0, i);
    const key = Buffer.from(part.slice(i + 1), 'base64');
    if (i < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new Error('SECRETS_KEKS: each entry is <id>:<base64 key>, id of [A-Za-z0-9_-]');
    if (key.length !== KEY_BYTES) throw new Error(`SECRETS_KEKS: key ${id} must be ${KEY_BYTES} bytes (base64 of 32 random bytes)`);
    if (byId.has(id)) throw new Error(`SECRETS_KEKS: key id ${id} is listed twice`);
    byId.set(id, key);
    current ??= { id, key };
  }
  if (!current) throw new Error('SECRETS_KEKS is empty');
  return { current, byId };
}

function gcm(key: Buffer, plaintext: Buffer, aad: string): { iv: Buffer; sealed: Buffer } {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const sealed = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  return { iv, sealed };
}

function ungcm(key: Buffer, iv: Buffer, sealed: Buffer, aad: string): Buffer {
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
}

const b64 = (b: Buffer) => b.toString('base64url');

/** Whether a stored value is sealed (values written before encryption was introduced are not). */
export const isSealed = (v: string): boolean => v.startsWith(`${PREFIX}.`);

interface DataKeyRow {
  id: string;
  kek_id: string;
  wrapped: string;
}

export class TenantSecrets {
  /** Unwrapped data keys by id (a data key is immutable once made). */
  private readonly keys = new Map<string, Buffer>();

  constructor(private readonly keyring: Keyring) {}

  /** Encrypts `plaintext` for `tenantId`; `context` (e.g. the column) must match when opening. */
  async seal(m: EntityManager, tenantId: string, plaintext: string, context: string): Promise<string> {
    const dek = await this.currentDataKey(m, tenantId);
    const { iv, sealed } = gcm(dek.key, Buffer.from(plaintext, 'utf8'), `${tenantId}|${context}`);
    return `${PREFIX}.${dek.id}.${b64(iv)}.${b64(sealed)}`;
  }

  /** Decrypts a value sealed for the same tenant and context; a tampered or misplaced value throws. */
  async open(m: EntityManager, tenantId: string, stored: string, context: string): Promise<string> {
    if (!isSealed(stored)) return stored; // written before sealing; `sealLegacy` rewrites these
    const [, dekId, iv, sealed] = stored.split('.');
    if (!dekId || !iv || !sealed) throw new Error('malformed sealed secret');
    const key = await this.dataKey(m, tenantId, dekId);
    return ungcm(key, Buffer.from(iv, 'base64url'), Buffer.from(sealed, 'base64url'), `${tenantId}|${context}`).toString('utf8');
  }

  /** Starts a new data key for the tenant: new seals use it, old values stay readable. */
  async rotateDataKey(m: EntityManager, tenantId: string): Promise<string> {
    await m.query(`UPDATE kit_data_keys SET retired_at = now() WHERE retired_at IS NULL`);
    return (await this.currentDataKey(m, tenantId)).id;
  }

  /** Rewraps every data key of every known tenant under the current KEK; returns how many moved. */
  async rewrapAll(ds: DataSource): Promise<number> {
    const tenants: { tenant_id: string }[] = await ds.query(`SELECT tenant_id FROM kit_tenants`);
    let moved = 0;
    for (const { tenant_id: tenantId } of tenants) {
      moved += await withTenant(ds, tenantId, async (m) => {
        const rows: DataKeyRow[] = await m.query(`SELECT id, kek_id, wrapped FROM kit_data_keys WHERE kek_id <> $1 FOR UPDATE`, [this.keyring.current.id]);
        for (const r of rows) {
          const key = this.unwrap(tenantId, r);
          await m.query(`UPDATE kit_data_keys SET kek_id = $2, wrapped = $3 WHERE id = $1`, [r.id, this.keyring.current.id, this.wrap(tenantId, r.id, key)]);
        }
        return rows.length;
      });
    }
    return moved;
  }

  /** How many data keys (all tenants) are still wrapped by a KEK other than the current one. */
  async onOldKek(ds: DataSource): Promise<number> {
    const tenants: { tenant_id: string }[] = await ds.query(`SELECT tenant_id FROM kit_tenants`);
    let n = 0;
    for (const { tenant_id } of tenants) {
      const [r] = await withTenant(ds, tenant_id, (m) => m.query(`SELECT count(*)::int AS n FROM kit_data_keys WHERE kek_id <> $1`, [this.keyring.current.id]));
      n += r.n;
    }
    return n;
  }

  private wrap(tenantId: string, dekId: string, key: Buffer): string {
    const { iv, sealed } = gcm(this.keyring.current.key, key, `${tenantId}|${dekId}`);
    return `${b64(iv)}.${b64(sealed)}`;
  }

  private unwrap(tenantId: string, r: DataKeyRow): Buffer {
    const kek = this.keyring.byId.get(r.kek_id);
    if (!kek) throw new Error(`data key ${r.id} is wrapped by KEK ${r.kek_id}, which SECRETS_KEKS no longer lists`);
    const [iv, sealed] = r.wrapped.split('.');
    return ungcm(kek, Buffer.from(iv!, 'base64url'), Buffer.from(sealed!, 'base64url'), `${tenantId}|${r.id}`);
  }

  private async dataKey(m: EntityManager, tenantId: string, id: string): Promise<Buffer> {
    const cached = this.keys.get(id);
    if (cached) return cached;
    const [r]: DataKeyRow[] = await m.query(`SELECT id, kek_id, wrapped FROM kit_data_keys WHERE id = $1`, [id]);
    if (!r) throw new Error(`data key ${id} is not this tenant's`);
    const key = this.unwrap(tenantId, r);
    this.keys.set(id, key);
    return key;
  }

  private async currentDataKey(m: EntityManager, tenantId: string): Promise<{ id: string; key: Buffer }> {
    const [r]: DataKeyRow[] = await m.query(`SELECT id, kek_id, wrapped FROM kit_data_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1`);
    if (r) return { id: r.id, key: await this.dataKey(m, tenantId, r.id) };
    const id = randomUUID();
    const key = randomBytes(KEY_BYTES);
    // Two first seals racing: the unique index lets one win; the other reads the winner's key.
    const inserted = await m.query(
      `INSERT INTO kit_data_keys (tenant_id, id, kek_id, wrapped) VALUES (current_setting('app.tenant_id'), $1, $2, $3) ON CONFLICT DO NOTHING RETURNING id`,
      [id, this.keyring.current.id, this.wrap(tenantId, id, key)],
    );
    if (!inserted.length) return this.currentDataKey(m, tenantId);
    this.keys.set(id, key);
    return { id, key };
  }
}
