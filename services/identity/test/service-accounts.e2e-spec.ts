// Service accounts with API keys through the gateway: scoped, expiring, revocable, hashed at rest,
// exchanged at POST /auth/token for a 15-minute access token every service verifies as usual.
import { createHash, randomUUID } from 'node:crypto';
import { bearer, gql } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { tenantRows } from '@commonhold/testing/src/support';
import { key, member, post } from './support/auth-client';

let platform: TestPlatform;
const tenant = () => `s-${randomUUID().slice(0, 8)}`;
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
const CREATE_ACCOUNT = 'mutation($input: CreateServiceAccountInput!) { createServiceAccount(input: $input) { serviceAccount { id name roles scope } } }';
const CREATE_KEY = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id expiresAt revokedAt } } }';

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['identity'] });
}, 120_000);
afterAll(async () => platform?.stop());

const exchange = (apiKey: string) => post(platform, '/auth/token', {}, { authorization: `ApiKey ${apiKey}` });

async function accountWithKey(t: string, scope = ['global']) {
  const a = await platform.as(t)(CREATE_ACCOUNT, { input: { name: `erp ${randomUUID().slice(0, 6)}`, roles: ['finance'], scope, idempotencyKey: key() } });
  expect(a.errors).toBeUndefined();
  const keyInput = { serviceAccountId: a.data.createServiceAccount.serviceAccount.id, expiresAt: inDays(30), idempotencyKey: key() };
  const k = await platform.as(t)(CREATE_KEY, { input: keyInput });
  expect(k.errors).toBeUndefined();
  return { account: a.data.createServiceAccount.serviceAccount, key: k.data.createApiKey.key as string, apiKey: k.data.createApiKey.apiKey, keyInput };
}

describe('service accounts and API keys', () => {
  it('exchanges a key for a 15-minute token of the account’s roles and scope, usable through the gateway', async () => {
    const t = tenant();
    const building = randomUUID();
    const { account, key: apiKey } = await accountWithKey(t, [`building:${building}`]);
    expect(account).toMatchObject({ roles: ['finance'], scope: [`building:${building}`] });
    expect(apiKey).toMatch(new RegExp(`^chk\\.${t}\\.[A-Za-z0-9_-]{43}$`));
    const r = await exchange(apiKey);
    expect(r.status).toBe(200);
    const claims = JSON.parse(Buffer.from(r.body.accessToken.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: account.id, tid: t, roles: ['finance'], scope: [`building:${building}`] });
    expect(claims.exp - claims.iat).toBe(900);
    const me = await gql(platform.gateway.url, '{ me { userId tenantId roles scope } }', undefined, bearer(r.body.accessToken));
    expect(me.data.me).toEqual({ userId: account.id, tenantId: t, roles: ['finance'], scope: [`building:${building}`] });
  });

  it('keeps only the hash at rest and answers the secret once (a replay gives the same key id, no secret, no new key)', async () => {
    const t = tenant();
    const { key: apiKey, apiKey: row, keyInput } = await accountWithKey(t);
    const stored = await tenantRows(platform, 'identity', t, 'SELECT * FROM api_keys');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.key_hash).toBe(createHash('sha256').update(apiKey).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(apiKey.split('.')[2]);
    const idem = await tenantRows(platform, 'identity', t, 'SELECT result FROM idempotency_keys');
    expect(JSON.stringify(idem)).not.toContain(apiKey.split('.')[2]);
    const replay = await platform.as(t)(CREATE_KEY, { input: keyInput });
    expect(replay.data.createApiKey).toEqual({ key: null, apiKey: row });
    expect(await tenantRows(platform, 'identity', t, 'SELECT id FROM api_keys')).toHaveLength(1);
  });

  it('refuses a revoked, an expired, a forged and an other-tenant key', async () => {
    const t = tenant();
    const a = await accountWithKey(t);
    const revoke = await platform.as(t)('mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id revokedAt } } }', { input: { apiKeyId: a.apiKey.id, idempotencyKey: key() } });
    expect(revoke.data.revokeApiKey.apiKey.revokedAt).toEqual(expect.any(String));
    expect((await exchange(a.key)).status).toBe(401);

    const b = await accountWithKey(t);
    await tenantRows(platform, 'identity', t, `UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [b.apiKey.id]);
    expect((await exchange(b.key)).status).toBe(401);

    const c = await accountWithKey(t);
    const secret = c.key.split('.')[2];
    for (const forged of [`chk.${tenant()}.${secret}`, `chk.${t}.${'B'.repeat(43)}`, 'not-a-key']) {
      const r = await exchange(forged);
      expect({ status: r.status, code: r.body.errors[0].extensions.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    }
    expect((await post(platform, '/auth/token', {})).status).toBe(401);
    expect((await exchange(c.key)).status).toBe(200);
  });

  it('is for admins, within their scope, with a bounded expiry', async () => {
    const t = tenant();
    const m = await member(platform, t, { roles: ['finance'] });
    const token = (await post(platform, '/auth/login', { tenant: t, email: m.email, password: m.password })).body.accessToken;
    const denied = await gql(platform.gateway.url, CREATE_ACCOUNT, { input: { name: 'x', roles: ['finance'], scope: ['global'], idempotencyKey: key() } }, bearer(token));
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const scopedAdmin = await member(platform, t, { roles: ['admin'], scope: [`building:${randomUUID()}`] });
    const adminToken = (await post(platform, '/auth/login', { tenant: t, email: scopedAdmin.email, password: scopedAdmin.password })).body.accessToken;
    const wider = await gql(platform.gateway.url, CREATE_ACCOUNT, { input: { name: 'wide', roles: ['finance'], scope: ['global'], idempotencyKey: key() } }, bearer(adminToken));
    expect(wider.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scope' });

    const { account } = await accountWithKey(t);
    for (const expiresAt of [inDays(400), new Date(Date.now() + 60_000).toISOString()]) {
      const r = await platform.as(t)(CREATE_KEY, { input: { serviceAccountId: account.id, expiresAt, idempotencyKey: key() } });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.expiresAt' });
    }
    const other = await platform.as(tenant())(CREATE_KEY, { input: { serviceAccountId: account.id, expiresAt: inDays(10), idempotencyKey: key() } });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.serviceAccountId' });

    // The building-scoped admin: keys only for accounts within its scope; the tenant-wide list is for global scope.
    const asScoped = (q: string, v?: Record<string, unknown>) => gql(platform.gateway.url, q, v, bearer(adminToken));
    const escalate = await asScoped(CREATE_KEY, { input: { serviceAccountId: account.id, expiresAt: inDays(10), idempotencyKey: key() } });
    expect(escalate.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.serviceAccountId' });
    const globalKey = (await accountWithKey(t)).apiKey;
    const revokeGlobal = await asScoped('mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id revokedAt } } }', { input: { apiKeyId: globalKey.id, idempotencyKey: key() } });
    expect(revokeGlobal.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.apiKeyId' });
    const list = await asScoped('{ serviceAccounts { edges { node { id } } } }');
    expect(list.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE' });
    const stored = await tenantRows(platform, 'identity', t, 'SELECT revoked_at FROM api_keys WHERE id = $1', [globalKey.id]);
    expect(stored).toEqual([{ revoked_at: null }]);
  });
});
