// NC-505 regression cases identity's other specs did not cover, through the gateway with tokens
// identity itself issued: self-promotion by every non-admin role, a real token with a tampered
// tenant, an admin reaching into another tenant, a building-scoped admin reaching past its scope
// in the new security settings, and the second-factor challenge presented as something else.
import { randomUUID } from 'node:crypto';
import { ROLES } from '@commonhold/kit';
import { gql, bearer } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { key, member, post } from './support/auth-client';

let platform: TestPlatform;
const tenant = () => `t-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['identity'] });
}, 120_000);
afterAll(async () => platform?.stop());

const login = (t: string, m: { email: string; password: string }) => post(platform, '/auth/login', { tenant: t, email: m.email, password: m.password });
const asToken = (accessToken: string, query: string, variables?: Record<string, unknown>) => gql(platform.gateway.url, query, variables, bearer(accessToken));
const CHANGE = 'mutation($input: ChangeMembershipInput!) { changeMembership(input: $input) { user { id roles } } }';
const ME = '{ me { userId tenantId roles } }';
const scopeOf = (role: string) => (role === 'owner' ? [`apartment:${randomUUID()}`] : role === 'vendor' ? [`vendor:${randomUUID()}`] : ['global']);

describe('role escalation', () => {
  it.each(ROLES.filter((r) => r !== 'admin'))('a signed-in %s cannot make themselves admin (FORBIDDEN naming users:manage, membership unchanged)', async (role) => {
    const t = tenant();
    const m = await member(platform, t, { roles: [role], scope: scopeOf(role) });
    const s = await login(t, m);
    expect(s.status).toBe(200);
    const r = await asToken(s.body.accessToken, CHANGE, { input: { userId: m.id, roles: ['admin'], scope: ['global'], idempotencyKey: key() } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', permission: 'users:manage' });
    const refreshed = await post(platform, '/auth/refresh', { refreshToken: s.body.refreshToken });
    expect((await asToken(refreshed.body.accessToken, ME)).data.me.roles).toEqual([role]);
  });
});

describe('cross-tenant', () => {
  it('refuses an identity-issued token whose tenant claim was edited, and an admin naming another tenant’s user', async () => {
    const a = tenant();
    const b = tenant();
    const adminA = await member(platform, a, { roles: ['admin'] });
    const victim = await member(platform, b, { roles: ['fundraiser'] });
    const s = await login(a, adminA);
    const [h, p, sig] = s.body.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, tid: b })).toString('base64url')}.${sig}`;
    const refused = await asToken(forged, ME);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // A's real admin token with B's user id: not found in A, nothing changes in B.
    const reach = await asToken(s.body.accessToken, CHANGE, { input: { userId: victim.id, roles: ['admin'], scope: ['global'], idempotencyKey: key() } });
    expect(reach.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.userId' });
    const reset = await asToken(s.body.accessToken, 'mutation($input: ResetMemberMfaInput!) { resetMemberMfa(input: $input) { userId } }', { input: { userId: victim.id, idempotencyKey: key() } });
    expect(reset.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.userId' });
    const users = await platform.as(b)('{ identityUsers(first: 10) { edges { node { id roles } } } }');
    expect(users.data.identityUsers.edges.map((e: any) => e.node)).toEqual([{ id: victim.id, roles: ['fundraiser'] }]);
  });
});

describe('scope escape in the security settings', () => {
  it('a building-scoped admin can neither change the tenant’s MFA requirement nor reset anyone’s factor', async () => {
    const t = tenant();
    const scoped = await member(platform, t, { roles: ['admin'], scope: [`building:${randomUUID()}`] });
    const other = await member(platform, t);
    const s = await login(t, scoped);
    const set = await asToken(s.body.accessToken, 'mutation($input: SetTenantMfaRequirementInput!) { setTenantMfaRequirement(input: $input) { mfaRequired } }', { input: { required: false, idempotencyKey: key() } });
    expect(set.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE' });
    const reset = await asToken(s.body.accessToken, 'mutation($input: ResetMemberMfaInput!) { resetMemberMfa(input: $input) { userId } }', { input: { userId: other.id, idempotencyKey: key() } });
    expect(reset.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE' });
  });
});

describe('the second-factor challenge', () => {
  it('is neither a refresh token nor a bearer token', async () => {
    const t = tenant();
    const m = await member(platform, t, { roles: ['finance'] });
    const set = await platform.as(t)('mutation($input: SetTenantMfaRequirementInput!) { setTenantMfaRequirement(input: $input) { mfaRequired } }', { input: { required: true, idempotencyKey: key() } });
    expect(set.data.setTenantMfaRequirement.mfaRequired).toBe(true);
    const ch = await login(t, m);
    expect(ch.body.mfaRequired).toBe(true);
    expect((await post(platform, '/auth/refresh', { refreshToken: ch.body.challengeToken })).status).toBe(401);
    expect((await asToken(ch.body.challengeToken, ME)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // And a refresh token is no challenge.
    const plain = await member(platform, t, { roles: ['fundraiser'] });
    const s = await login(t, plain);
    const r = await post(platform, '/auth/login/mfa', { challengeToken: s.body.refreshToken, code: '123456' });
    expect({ status: r.status, reason: r.body.errors[0].extensions.reason }).toEqual({ status: 401, reason: 'challenge' });
  });
});
