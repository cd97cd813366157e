// identity through the gateway, refresh token in the response body (ENABLE_HTTPONLY_AUTH off):
// sign-in, the access token's use, refresh rotation with reuse detection (NC-501), logout,
// sessions, invitations and NIST password rules, login limits (NC-503) and key rotation.
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { gql, bearer } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { keyRing } from '../src';
import { key, member, post } from './support/auth-client';

let platform: TestPlatform;
const tenant = () => `t-${randomUUID().slice(0, 8)}`;
const ME = '{ me { userId tenantId roles scope user { id email status } } }';

beforeAll(async () => {
  platform = await startTestPlatform({
    transport: 'in-process',
    services: ['identity'],
    // Verifiers refetch the JWKS for an unknown kid at once (production: at most every 30 s).
    tokens: { jwksCooldownMs: 0 },
    serviceEnv: { identity: { LOGIN_ACCOUNT_FAILURES: '3', LOGIN_IP_FAILURES: '20', SIGNING_KEY_PUBLISH_LEAD_SECONDS: '2' } },
  });
}, 120_000);
afterAll(async () => platform?.stop());

const login = (body: Record<string, unknown>, headers: Record<string, string> = {}) => post(platform, '/auth/login', body, headers);
const asToken = (accessToken: string, query: string, variables?: Record<string, unknown>) => gql(platform.gateway.url, query, variables, bearer(accessToken));

describe('sign-in with the refresh token in the body', () => {
  it('signs a member in; the access token works through the gateway and carries sub, tid, roles, scope', async () => {
    const t = tenant();
    const building = randomUUID();
    const m = await member(platform, t, { roles: ['building_manager'], scope: [`building:${building}`] });
    const r = await login({ tenant: t, email: m.email.toUpperCase(), password: m.password });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshToken: expect.stringMatching(new RegExp(`^${t}\\.`)) });
    expect(r.headers.getSetCookie()).toEqual([]);
    const claims = JSON.parse(Buffer.from(r.body.accessToken.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: m.id, tid: t, roles: ['building_manager'], scope: [`building:${building}`], sid: r.body.sessionId });
    expect(claims.exp - claims.iat).toBe(900);
    const me = await asToken(r.body.accessToken, ME);
    expect(me.data.me).toEqual({ userId: m.id, tenantId: t, roles: ['building_manager'], scope: [`building:${building}`], user: { id: m.id, email: m.email, status: 'active' } });
  });

  it('answers a wrong password, an unknown email and an unknown tenant alike (401), and bad input as 400 naming the field', async () => {
    const t = tenant();
    const m = await member(platform, t);
    for (const body of [{ tenant: t, email: m.email, password: 'not the password at all' }, { tenant: t, email: 'nobody@example.org', password: m.password }, { tenant: tenant(), email: m.email, password: m.password }]) {
      const r = await login(body);
      expect({ status: r.status, code: r.body.errors[0].extensions.code, message: r.body.errors[0].message }).toEqual({ status: 401, code: 'UNAUTHENTICATED', message: 'The email or password is wrong' });
    }
    const bad = await login({ tenant: 'no spaces!', email: m.email, password: m.password });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tenant' });
  });

  it('rotates the refresh token; presenting a retired one revokes the whole family and records a security event (NC-501)', async () => {
    const t = tenant();
    const m = await member(platform, t);
    const first = await login({ tenant: t, email: m.email, password: m.password });
    const second = await post(platform, '/auth/refresh', { refreshToken: first.body.refreshToken });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.body.refreshToken);
    expect(second.body.sessionId).toBe(first.body.sessionId);
    expect((await asToken(second.body.accessToken, ME)).data.me.userId).toBe(m.id);

    // The first token again: reuse. The family ends, so even the newest token stops working.
    const reuse = await post(platform, '/auth/refresh', { refreshToken: first.body.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body.errors[0].message).toMatch(/already used/);
    const newest = await post(platform, '/auth/refresh', { refreshToken: second.body.refreshToken });
    expect(newest.status).toBe(401);

    const sessions = await asToken(second.body.accessToken, '{ mySessions(first: 10) { edges { node { id revokedReason current } } } }');
    expect(sessions.data.mySessions.edges).toEqual([{ node: { id: first.body.sessionId, revokedReason: 'refresh_reuse', current: true } }]);
    const events = await platform.as(t)('{ identitySecurityEvents(first: 10) { edges { node { kind userId sessionId } } } }');
    expect(events.data.identitySecurityEvents.edges.map((e: any) => e.node)).toContainEqual({ kind: 'refresh_reuse', userId: m.id, sessionId: first.body.sessionId });
    // Another sign-in is a new family, unaffected.
    const again = await login({ tenant: t, email: m.email, password: m.password });
    expect((await post(platform, '/auth/refresh', { refreshToken: again.body.refreshToken })).status).toBe(200);
  });

  it('serialises two refreshes racing on one token: one wins, the other is reuse and ends the family', async () => {
    const t = tenant();
    const m = await member(platform, t);
    const s0 = await login({ tenant: t, email: m.email, password: m.password });
    const [x, y] = await Promise.all([post(platform, '/auth/refresh', { refreshToken: s0.body.refreshToken }), post(platform, '/auth/refresh', { refreshToken: s0.body.refreshToken })]);
    expect([x.status, y.status].sort()).toEqual([200, 401]);
    const winner = x.status === 200 ? x : y;
    expect((await post(platform, '/auth/refresh', { refreshToken: winner.body.refreshToken })).status).toBe(401);
  });

  it('refuses a forged or other-tenant refresh token without touching anything', async () => {
    const t = tenant();
    const m = await member(platform, t);
    const r = await login({ tenant: t, email: m.email, password: m.password });
    const secret = r.body.refreshToken.split('.')[1];
    const otherTenant = tenant();
    for (const refreshToken of [`${otherTenant}.${secret}`, `${t}.${'A'.repeat(43)}`, 'garbage', 42]) {
      expect((await post(platform, '/auth/refresh', { refreshToken })).status).toBe(401);
    }
    expect((await post(platform, '/auth/refresh', { refreshToken: r.body.refreshToken })).status).toBe(200);
  });

  it('logs out one session, lists and revokes sessions, and logs out everywhere', async () => {
    const t = tenant();
    const m = await member(platform, t);
    const a = await login({ tenant: t, email: m.email, password: m.password });
    const b = await login({ tenant: t, email: m.email, password: m.password });
    const c = await login({ tenant: t, email: m.email, password: m.password });

    expect((await post(platform, '/auth/logout', { refreshToken: a.body.refreshToken })).status).toBe(204);
    expect((await post(platform, '/auth/refresh', { refreshToken: a.body.refreshToken })).status).toBe(401);

    const list = await asToken(b.body.accessToken, '{ mySessions(first: 10) { edges { node { id revokedReason current } } } }');
    expect(list.data.mySessions.edges.map((e: any) => e.node)).toEqual([
      { id: c.body.sessionId, revokedReason: null, current: false },
      { id: b.body.sessionId, revokedReason: null, current: true },
      { id: a.body.sessionId, revokedReason: 'logout', current: false },
    ]);
    const revokeInput = { sessionId: c.body.sessionId, idempotencyKey: key() };
    const REVOKE = 'mutation($input: RevokeSessionInput!) { revokeSession(input: $input) { revokedSessionIds } }';
    const revoke = await asToken(b.body.accessToken, REVOKE, { input: revokeInput });
    expect(revoke.data.revokeSession.revokedSessionIds).toEqual([c.body.sessionId]);
    // Replayed under its key: the same answer, no second security event; another session under the same key is refused.
    expect((await asToken(b.body.accessToken, REVOKE, { input: revokeInput })).data).toEqual(revoke.data);
    const conflict = await asToken(b.body.accessToken, REVOKE, { input: { ...revokeInput, sessionId: a.body.sessionId } });
    expect(conflict.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_CONFLICT');
    const revokedEvents = (await platform.as(t)('{ identitySecurityEvents(first: 50) { edges { node { kind sessionId } } } }')).data.identitySecurityEvents.edges.map((e: any) => e.node).filter((e: any) => e.kind === 'session_revoked');
    expect(revokedEvents).toEqual([{ kind: 'session_revoked', sessionId: c.body.sessionId }]);
    expect((await post(platform, '/auth/refresh', { refreshToken: c.body.refreshToken })).status).toBe(401);

    // Another member cannot revoke this member's session: it does not exist for them.
    const other = await member(platform, t);
    const otherLogin = await login({ tenant: t, email: other.email, password: other.password });
    const denied = await asToken(otherLogin.body.accessToken, 'mutation($input: RevokeSessionInput!) { revokeSession(input: $input) { revokedSessionIds } }', { input: { sessionId: b.body.sessionId, idempotencyKey: key() } });
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.sessionId' });

    const everywhere = await asToken(b.body.accessToken, 'mutation($input: LogoutEverywhereInput!) { logoutEverywhere(input: $input) { revokedSessionIds } }', { input: { idempotencyKey: key() } });
    expect(everywhere.data.logoutEverywhere.revokedSessionIds).toEqual([b.body.sessionId]);
    expect((await post(platform, '/auth/refresh', { refreshToken: b.body.refreshToken })).status).toBe(401);
    expect((await post(platform, '/auth/refresh', { refreshToken: otherLogin.body.refreshToken })).status).toBe(200);
  });
});

describe('invitations and memberships', () => {
  const INVITE = `mutation($input: InviteUserInput!) { inviteUser(input: $input) { user { id status } invitationUrl } }`;

  it('sets a password through the single-use invitation link, refusing NIST-weak passwords without spending the link', async () => {
    const t = tenant();
    const email = `new-${randomUUID().slice(0, 6)}@example.org`;
    const inv = await platform.as(t)(INVITE, { input: { email, displayName: 'Ada Lovelace', roles: ['finance'], scope: ['global'], idempotencyKey: key() } });
    expect(inv.data.inviteUser.user.status).toBe('invited');
    const token = new URL(inv.data.inviteUser.invitationUrl).hash.replace('#token=', '');
    // Not signed in yet: an invited user cannot log in.
    expect((await login({ tenant: t, email, password: 'anything at all here' })).status).toBe(401);
    for (const [password, why] of [['short pass', /at least 12/], ['password1234', /too common/], ['xxxxxxxxxxxxxxxx', /too common/], ['Ada Lovelace rocks', /email or name/]] as const) {
      const r = await post(platform, '/auth/accept-invitation', { token, password });
      expect(r.status).toBe(400);
      expect(r.body.errors[0]).toMatchObject({ message: expect.stringMatching(why), extensions: { code: 'BAD_USER_INPUT', field: 'password' } });
    }
    // No composition rules: a long all-lower-case passphrase is fine.
    expect((await post(platform, '/auth/accept-invitation', { token, password: 'correct staple horse battery' })).status).toBe(200);
    const replay = await post(platform, '/auth/accept-invitation', { token, password: 'another fine passphrase' });
    expect(replay.status).toBe(409);
    expect((await login({ tenant: t, email, password: 'correct staple horse battery' })).status).toBe(200);
    expect((await login({ tenant: t, email, password: 'another fine passphrase' })).status).toBe(401);
  });

  it('audits membership changes with before and after; the next refresh carries the new roles and scope', async () => {
    const t = tenant();
    const m = await member(platform, t, { roles: ['fundraiser'] });
    const s = await login({ tenant: t, email: m.email, password: m.password });
    const apartment = randomUUID();
    const change = await platform.as(t)('mutation($input: ChangeMembershipInput!) { changeMembership(input: $input) { user { id roles scope } } }', {
      input: { userId: m.id, roles: ['owner'], scope: [`apartment:${apartment}`], idempotencyKey: key() },
    });
    expect(change.data.changeMembership.user).toEqual({ id: m.id, roles: ['owner'], scope: [`apartment:${apartment}`] });
    const refreshed = await post(platform, '/auth/refresh', { refreshToken: s.body.refreshToken });
    const claims = JSON.parse(Buffer.from(refreshed.body.accessToken.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ roles: ['owner'], scope: [`apartment:${apartment}`] });
    const audit = await platform.services.identity!.runtime.ds.transaction(async (mgr) => {
      await mgr.query(`SELECT set_config('app.tenant_id', $1, true)`, [t]);
      return mgr.query(`SELECT action, before, after, trace_id FROM audit_events WHERE entity_id = $1 AND action = 'membership.changed'`, [m.id]);
    });
    expect(audit).toEqual([{ action: 'membership.changed', before: { roles: ['fundraiser'], scope: 'global' }, after: { roles: ['owner'], scope: [`apartment:${apartment}`] }, trace_id: expect.any(String) }]);
  });

  it('refuses membership management to non-admins, bad roles and scopes by field, and scopes beyond the granter’s', async () => {
    const t = tenant();
    const admin = platform.as(t);
    const m = await member(platform, t);
    const s = await login({ tenant: t, email: m.email, password: m.password });
    const denied = await asToken(s.body.accessToken, INVITE, { input: { email: 'x@example.org', displayName: 'X', roles: ['admin'], scope: ['global'], idempotencyKey: key() } });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(denied.errors?.[0]?.extensions).toMatchObject({ permission: 'users:invite', reason: 'PERMISSION' });
    for (const [input, field] of [
      [{ roles: ['superuser'], scope: ['global'] }, 'input.roles'],
      [{ roles: ['admin'], scope: ['building:not-a-uuid'] }, 'input.scope'],
      [{ roles: ['vendor'], scope: ['global'] }, 'input.scope'],
      [{ roles: ['admin'], scope: ['global'], email: 'not an email' }, 'input.email'],
    ] as const) {
      const r = await admin(INVITE, { input: { email: `y-${randomUUID()}@example.org`, displayName: 'Y', idempotencyKey: key(), ...input } });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    // A building-scoped admin cannot grant another building.
    const buildingAdmin = await member(platform, t, { roles: ['admin'], scope: [`building:${randomUUID()}`] });
    const ba = await login({ tenant: t, email: buildingAdmin.email, password: buildingAdmin.password });
    const wider = await asToken(ba.body.accessToken, INVITE, { input: { email: `z-${randomUUID()}@example.org`, displayName: 'Z', roles: ['building_manager'], scope: [`building:${randomUUID()}`], idempotencyKey: key() } });
    expect(wider.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scope' });
  });

  it('does not show another tenant’s users', async () => {
    const a = tenant();
    const b = tenant();
    const m = await member(platform, a);
    const users = await platform.as(b)('{ identityUsers(first: 10) { edges { node { id } } } }');
    expect(users.data.identityUsers.edges).toEqual([]);
    // Nor can a's member sign in under b.
    expect((await login({ tenant: b, email: m.email, password: m.password })).status).toBe(401);
  });
});

describe('signing key rotation without restarts', () => {
  it('publishes a new key before it signs; tokens of the old and the new key both pass the gateway', async () => {
    const t = tenant();
    const m = await member(platform, t);
    const kidOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()).kid as string;
    const jwks = async () => ((await (await fetch(new URL('/.well-known/jwks.json', platform.gateway.url))).json()) as { keys: { kid: string; d?: string }[] }).keys;

    const before = await login({ tenant: t, email: m.email, password: m.password });
    const oldKid = kidOf(before.body.accessToken);
    expect((await asToken(before.body.accessToken, ME)).data.me.userId).toBe(m.id);

    const newKid = await keyRing(platform.services.identity!.runtime).rotate(2);
    // Published at once (through the gateway's passthrough), public parts only…
    const published = await jwks();
    expect(published.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
    expect(published.every((k) => k.d === undefined)).toBe(true);
    // …but not signing yet.
    const during = await login({ tenant: t, email: m.email, password: m.password });
    expect(kidOf(during.body.accessToken)).toBe(oldKid);

    await new Promise((r) => setTimeout(r, 2_500));
    const after = await post(platform, '/auth/refresh', { refreshToken: during.body.refreshToken });
    expect(kidOf(after.body.accessToken)).toBe(newKid);
    // Same gateway and subgraph processes: the new key's token passes, and the old key's token still does.
    expect((await asToken(after.body.accessToken, ME)).data.me.userId).toBe(m.id);
    expect((await asToken(before.body.accessToken, ME)).data.me.userId).toBe(m.id);
    // The old key stays published while what it signed can still be valid.
    expect((await jwks()).map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
    // Private keys are sealed at rest (envelope encryption): no JWK private part in the table.
    const stored: { kid: string; private_jwk: unknown }[] = await platform.services.identity!.runtime.ds.query('SELECT kid, private_jwk FROM signing_keys');
    expect(stored.map((r) => r.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
    for (const r of stored) expect(r.private_jwk).toEqual(expect.stringMatching(/^chs1\./));
  });
});

describe('login limits (NC-503)', () => {
  it('locks an account after repeated failures with 429 + Retry-After, even for the right password', async () => {
    const t = tenant();
    const m = await member(platform, t);
    const wrong = { tenant: t, email: m.email, password: 'wrong password guess' };
    for (let i = 0; i < 3; i++) expect((await login(wrong)).status).toBe(401);
    const locked = await login({ tenant: t, email: m.email, password: m.password });
    expect(locked.status).toBe(429);
    expect(locked.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const events = await platform.as(t)('{ identitySecurityEvents(first: 10) { edges { node { kind userId } } } }');
    expect(events.data.identitySecurityEvents.edges.map((e: any) => e.node)).toContainEqual({ kind: 'login_locked', userId: m.id });
    // The lockout lives in Redis (shared by every identity replica), under this platform's prefix.
    const redis = new Redis(process.env.REDIS_URL!);
    try {
      expect(await redis.keys(`${platform.prefix}rl:identity:login-account*${t}:${m.email}`)).not.toEqual([]);
    } finally {
      redis.disconnect();
    }
    // Another account of the tenant is unaffected.
    const other = await member(platform, t);
    expect((await login({ tenant: t, email: other.email, password: other.password })).status).toBe(200);
  });

  it('limits failures per client address, and a spoofed X-Forwarded-For does not escape the limit', async () => {
    // Fresh platform state: this address has spent some failures above, so count what is left.
    const t = tenant();
    let limited: Awaited<ReturnType<typeof login>> | undefined;
    for (let i = 0; i < 30 && !limited; i++) {
      // A new account each time (no account lockout) and a new forged client address each time.
      const r = await login({ tenant: t, email: `spray-${i}@example.org`, password: 'password spraying' }, { 'x-forwarded-for': `203.0.113.${i + 1}` });
      if (r.status === 429) limited = r;
      else expect(r.status).toBe(401);
    }
    expect(limited?.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(60);
  });
});
