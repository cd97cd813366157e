// Secrets at rest on real PostgreSQL: values are stored sealed under a per-tenant data key that is
// itself stored only wrapped by a key-encryption key; a tenant cannot open another's secrets; a
// key-encryption key is rotated without re-encrypting values and without downtime.
import { randomBytes } from 'node:crypto';
import { createDataSource, KitTables1763800000000, parseKeyring, TenantSecrets, withTenant } from '@commonhold/kit';
import { createTestDatabase } from '@commonhold/testing';

const kek = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const K1 = kek('k1');
const K2 = kek('k2');
const CTX = 'payment_provider_accounts.api_key';

let ds: ReturnType<typeof createDataSource>;
beforeAll(async () => {
  const { appUrl } = await createTestDatabase('secrets', [KitTables1763800000000]);
  ds = createDataSource({ url: appUrl, entities: [], migrations: [] });
  await ds.initialize();
});
afterAll(() => ds.destroy());

const seal = (s: TenantSecrets, tenant: string, v: string, ctx = CTX) => withTenant(ds, tenant, (m) => s.seal(m, tenant, v, ctx));
const open = (s: TenantSecrets, tenant: string, v: string, ctx = CTX) => withTenant(ds, tenant, (m) => s.open(m, tenant, v, ctx));

describe('keyring', () => {
  it.each([
    ['an empty list', '', /empty/],
    ['a key without id', 'k1', /<id>:<base64 key>/],
    ['a short key', 'k1:c2hvcnQ=', /32 bytes/],
    ['an id twice', `${K1},${K1}`, /twice/],
    ['a bad id', 'bad id!:' + randomBytes(32).toString('base64'), /<id>:<base64 key>/],
  ])('refuses %s', (_, value, message) => {
    expect(() => parseKeyring(value)).toThrow(message);
  });
  it('takes the first key as current and keeps the others for unwrapping', () => {
    const r = parseKeyring(`${K2},${K1}`);
    expect(r.current.id).toBe('k2');
    expect([...r.byId.keys()]).toEqual(['k2', 'k1']);
  });
});

describe('sealing', () => {
  it('stores no plaintext: the value is sealed, the data key wrapped', async () => {
    const s = new TenantSecrets(parseKeyring(K1));
    const sealed = await seal(s, 'sec-a', 'sk_live_secret_value');
    expect(sealed).toMatch(/^chs1\.[0-9a-f-]{36}\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('sk_live');
    const [key] = await withTenant(ds, 'sec-a', (m) => m.query(`SELECT kek_id, wrapped FROM kit_data_keys`));
    expect(key.kek_id).toBe('k1');
    expect(Buffer.from(key.wrapped.split('.')[1], 'base64url').length).toBe(32 + 16); // a 32-byte key + GCM tag, not the key itself
    expect(await open(s, 'sec-a', sealed)).toBe('sk_live_secret_value');
    // A second service instance (no cache) opens it too: the key is in the database, wrapped.
    expect(await open(new TenantSecrets(parseKeyring(K1)), 'sec-a', sealed)).toBe('sk_live_secret_value');
    // Sealing again gives another ciphertext (fresh IV) under the same data key.
    const again = await seal(s, 'sec-a', 'sk_live_secret_value');
    expect(again).not.toBe(sealed);
    expect(again.split('.')[1]).toBe(sealed.split('.')[1]);
  });

  it('refuses a value opened for another tenant, another column, or tampered with', async () => {
    const s = new TenantSecrets(parseKeyring(K1));
    const sealed = await seal(s, 'sec-b', 'whsec_abc');
    await seal(s, 'sec-c', 'other tenant secret');
    await expect(open(new TenantSecrets(parseKeyring(K1)), 'sec-c', sealed)).rejects.toThrow(/not this tenant/);
    await expect(open(s, 'sec-b', sealed, 'payment_provider_accounts.webhook_secret')).rejects.toThrow();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    await expect(open(s, 'sec-b', [...parts.slice(0, 3), body.toString('base64url')].join('.'))).rejects.toThrow();
  });

  it('opens values stored before sealing as they are (they are sealed on their next write)', async () => {
    expect(await open(new TenantSecrets(parseKeyring(K1)), 'sec-a', 'legacy-plain')).toBe('legacy-plain');
  });

  it('a new data key seals new values; old values stay readable', async () => {
    const s = new TenantSecrets(parseKeyring(K1));
    const before = await seal(s, 'sec-d', 'one');
    const newId = await withTenant(ds, 'sec-d', (m) => s.rotateDataKey(m, 'sec-d'));
    const after = await seal(s, 'sec-d', 'two');
    expect(after.split('.')[1]).toBe(newId);
    expect(before.split('.')[1]).not.toBe(newId);
    expect(await open(s, 'sec-d', before)).toBe('one');
    expect(await open(s, 'sec-d', after)).toBe('two');
  });
});

describe('key-encryption key rotation', () => {
  it('adds the new key first, rewraps every data key under it, then works without the old key', async () => {
    const old = new TenantSecrets(parseKeyring(K1));
    const v = await seal(old, 'rot-a', 'api-key-a');
    const w = await seal(old, 'rot-b', 'api-key-b');

    // Step 1: both keys listed, the new one first. Old data keys still open; none is lost.
    const both = new TenantSecrets(parseKeyring(`${K2},${K1}`));
    expect(await open(both, 'rot-a', v)).toBe('api-key-a');
    expect(await both.onOldKek(ds)).toBeGreaterThanOrEqual(2);
    expect(await both.rewrapAll(ds)).toBeGreaterThanOrEqual(2);
    expect(await both.onOldKek(ds)).toBe(0);

    // Step 2: the old key dropped. Everything opens with the new key alone; values never changed.
    const only = new TenantSecrets(parseKeyring(K2));
    expect(await open(only, 'rot-a', v)).toBe('api-key-a');
    expect(await open(only, 'rot-b', w)).toBe('api-key-b');

    // A service still on the old key alone can no longer open them (the key really moved).
    await expect(open(new TenantSecrets(parseKeyring(K1)), 'rot-a', v)).rejects.toThrow(/no longer lists/);
  });
});
