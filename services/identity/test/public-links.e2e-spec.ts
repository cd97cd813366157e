// Signed public links (NC-502) through the gateway: created by staff, verified by a receiving
// service against identity's JWKS with the kit's helpers, redeemed at identity with maxUses
// enforced atomically; replayed, expired, revoked, other-purpose and other-subject links refused.
import { randomUUID } from 'node:crypto';
import { bearer, gql } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { tenantRows } from '@commonhold/testing/src/support';
import { createPublicLinkVerifier, redeemPublicLink, withTenant, type ExpectedLink, type PublicLinkVerifier } from '@commonhold/kit';
import { keyRing } from '../src';
import { key, member, post } from './support/auth-client';

let platform: TestPlatform;
let verify: PublicLinkVerifier;
let identityUrl: string;
const tenant = () => `p-${randomUUID().slice(0, 8)}`;
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const CREATE = `mutation($input: CreatePublicLinkInput!) { createPublicLink(input: $input) { token link { id purpose subjectId scope maxUses uses expiresAt revokedAt } } }`;
const REVOKE = `mutation($input: RevokePublicLinkInput!) { revokePublicLink(input: $input) { link { id revokedAt } } }`;

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['identity'] });
  // A receiving subgraph's view: identity's JWKS as the gateway serves it, identity's own URL to redeem.
  verify = createPublicLinkVerifier({ jwksUrl: new URL('/.well-known/jwks.json', platform.gateway.url).href, issuer: 'commonhold-identity' });
  identityUrl = `http://127.0.0.1:${platform.services.identity!.port}`;
}, 120_000);
afterAll(async () => platform?.stop());

const redeem = (token: string, expected: ExpectedLink) => redeemPublicLink({ identityUrl, verify }, token, expected);
const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ code: 'none', reason: 'none' }),
    (e: { extensions?: { code?: string; reason?: string } }) => ({ code: e.extensions?.code, reason: e.extensions?.reason }),
  );

async function createLink(t: string, input: Record<string, unknown>, as?: string) {
  const r = as ? await gql(platform.gateway.url, CREATE, { input: { idempotencyKey: key(), ...input } }, bearer(as)) : await platform.as(t)(CREATE, { input: { idempotencyKey: key(), ...input } });
  return r;
}

describe('signed public links', () => {
  it('binds a link to tenant, purpose, subject and scope; a receiving service verifies it through the JWKS', async () => {
    const t = tenant();
    const shift = randomUUID();
    const r = await createLink(t, { purpose: 'volunteer_signup', subjectId: shift, expiresAt: inAnHour() });
    expect(r.errors).toBeUndefined();
    const { token, link } = r.data.createPublicLink;
    expect(link).toMatchObject({ purpose: 'volunteer_signup', subjectId: shift, scope: ['global'], maxUses: 1, uses: 0, revokedAt: null });
    expect(token.split('.')).toHaveLength(3);
    const claims = await redeem(token, { purpose: 'volunteer_signup', subjectId: shift });
    expect(claims).toMatchObject({ linkId: link.id, tenantId: t, purpose: 'volunteer_signup', subjectId: shift, scope: 'global' });
    // Single use: replayed, it is refused.
    expect(await failure(redeem(token, { purpose: 'volunteer_signup', subjectId: shift }))).toEqual({ code: 'CONFLICT', reason: 'used' });
  });

  it('enforces maxUses atomically under concurrent redemptions', async () => {
    const t = tenant();
    const subjectId = randomUUID();
    const { token } = (await createLink(t, { purpose: 'vote_ballot', subjectId, expiresAt: inAnHour(), maxUses: 3 })).data.createPublicLink;
    const results = await Promise.all(Array.from({ length: 8 }, () => failure(redeem(token, { purpose: 'vote_ballot', subjectId }))));
    expect(results.filter((r) => r.code === 'none')).toHaveLength(3);
    expect(results.filter((r) => r.code === 'CONFLICT' && r.reason === 'used')).toHaveLength(5);
  });

  it('refuses a link used for another purpose or another subject, without spending it', async () => {
    const t = tenant();
    const workOrder = randomUUID();
    const { token } = (await createLink(t, { purpose: 'work_order_access', subjectId: workOrder, expiresAt: inAnHour() })).data.createPublicLink;
    expect(await failure(redeem(token, { purpose: 'resident_payment', subjectId: workOrder }))).toEqual({ code: 'FORBIDDEN', reason: 'purpose' });
    expect(await failure(redeem(token, { purpose: 'work_order_access', subjectId: randomUUID() }))).toEqual({ code: 'FORBIDDEN', reason: 'subject' });
    // identity checks too, for a caller that skipped the local verification.
    const direct = await fetch(`${identityUrl}/public-links/redeem`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, purpose: 'work_order_access', subjectId: 'someone-else' }) });
    expect(direct.status).toBe(403);
    await expect(redeem(token, { purpose: 'work_order_access', subjectId: workOrder })).resolves.toMatchObject({ subjectId: workOrder });
  });

  it('refuses an expired link (by its token and by its record) and a revoked one', async () => {
    const t = tenant();
    const subjectId = randomUUID();
    // The token's own exp: signed for one second.
    const { link } = (await createLink(t, { purpose: 'resident_statement', subjectId, expiresAt: inAnHour() })).data.createPublicLink;
    const ring = keyRing(platform.services.identity!.runtime);
    const short = await ring.sign({ tid: t, pur: 'resident_statement', scope: 'global' }, { audience: 'commonhold-public-link', typ: 'link+jwt', lifetimeSeconds: 1, subject: subjectId, jti: link.id });
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await failure(redeem(short, { purpose: 'resident_statement', subjectId }))).toEqual({ code: 'UNAUTHENTICATED', reason: 'expired' });

    // The record's expiry (identity's word is final even while the token's exp is ahead).
    const second = (await createLink(t, { purpose: 'resident_statement', subjectId, expiresAt: inAnHour() })).data.createPublicLink;
    await withTenant(platform.services.identity!.runtime.ds, t, (m) => m.query(`UPDATE public_links SET expires_at = now() - interval '1 second' WHERE id = $1`, [second.link.id]));
    expect(await failure(redeem(second.token, { purpose: 'resident_statement', subjectId }))).toEqual({ code: 'UNAUTHENTICATED', reason: 'expired' });

    const third = (await createLink(t, { purpose: 'resident_statement', subjectId, expiresAt: inAnHour() })).data.createPublicLink;
    const revoked = await platform.as(t)(REVOKE, { input: { linkId: third.link.id, idempotencyKey: key() } });
    expect(revoked.data.revokePublicLink.link.revokedAt).toEqual(expect.any(String));
    expect(await failure(redeem(third.token, { purpose: 'resident_statement', subjectId }))).toEqual({ code: 'UNAUTHENTICATED', reason: 'revoked' });
  });

  it('refuses a tampered link, an access token presented as a link, and a link presented as an access token', async () => {
    const t = tenant();
    const subjectId = randomUUID();
    const { token } = (await createLink(t, { purpose: 'volunteer_signup', subjectId, expiresAt: inAnHour() })).data.createPublicLink;
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, tid: 'victim-tenant' })).toString('base64url')}.${s}`;
    expect(await failure(redeem(forged, { purpose: 'volunteer_signup', subjectId }))).toEqual({ code: 'UNAUTHENTICATED', reason: 'invalid' });
    const m = await member(platform, t);
    const access = (await post(platform, '/auth/login', { tenant: t, email: m.email, password: m.password })).body.accessToken;
    expect(await failure(redeem(access, { purpose: 'volunteer_signup', subjectId }))).toEqual({ code: 'UNAUTHENTICATED', reason: 'invalid' });
    const asAccess = await gql(platform.gateway.url, '{ me { userId } }', undefined, bearer(token));
    expect(asAccess.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('validates creation by field and keeps a link inside its creator’s scope', async () => {
    const t = tenant();
    for (const [input, field] of [
      [{ purpose: 'invitation', subjectId: 'x', expiresAt: inAnHour() }, 'input.purpose'],
      [{ purpose: 'vote_ballot', subjectId: '  ', expiresAt: inAnHour() }, 'input.subjectId'],
      [{ purpose: 'vote_ballot', subjectId: 'x', expiresAt: new Date(Date.now() - 1000).toISOString() }, 'input.expiresAt'],
      [{ purpose: 'vote_ballot', subjectId: 'x', expiresAt: new Date(Date.now() + 40 * 86_400_000).toISOString() }, 'input.expiresAt'],
      [{ purpose: 'vote_ballot', subjectId: 'x', expiresAt: inAnHour(), maxUses: 0 }, 'input.maxUses'],
    ] as const) {
      const r = await createLink(t, input);
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const buildingA = randomUUID();
    const manager = await member(platform, t, { roles: ['building_manager'], scope: [`building:${buildingA}`] });
    const token = (await post(platform, '/auth/login', { tenant: t, email: manager.email, password: manager.password })).body.accessToken;
    const escape = await createLink(t, { purpose: 'vote_ballot', subjectId: 'x', expiresAt: inAnHour(), scope: [`building:${randomUUID()}`] }, token);
    expect(escape.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scope' });
    const global = await createLink(t, { purpose: 'vote_ballot', subjectId: 'x', expiresAt: inAnHour(), scope: ['global'] }, token);
    expect(global.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scope' });
    const own = await createLink(t, { purpose: 'vote_ballot', subjectId: 'x', expiresAt: inAnHour() }, token);
    expect(own.data.createPublicLink.link.scope).toEqual([`building:${buildingA}`]);
    const claims = await verify(own.data.createPublicLink.token, { purpose: 'vote_ballot' });
    expect(claims.scope).toEqual([`building:${buildingA}`]);

    // Another building's link looks missing to this manager, and stays live.
    const elsewhere = (await createLink(t, { purpose: 'vote_ballot', subjectId: 'y', expiresAt: inAnHour(), scope: [`building:${randomUUID()}`] })).data.createPublicLink.link;
    const foreign = await gql(platform.gateway.url, REVOKE, { input: { linkId: elsewhere.id, idempotencyKey: key() } }, bearer(token));
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.linkId' });
    expect(await tenantRows(platform, 'identity', t, 'SELECT revoked_at FROM public_links WHERE id = $1', [elsewhere.id])).toEqual([{ revoked_at: null }]);
    const mine = await gql(platform.gateway.url, REVOKE, { input: { linkId: own.data.createPublicLink.link.id, idempotencyKey: key() } }, bearer(token));
    expect(mine.data.revokePublicLink.link.revokedAt).toEqual(expect.any(String));
  });

  it('does not let another tenant revoke a link', async () => {
    const a = tenant();
    const { link } = (await createLink(a, { purpose: 'vote_ballot', subjectId: 'x', expiresAt: inAnHour() })).data.createPublicLink;
    const r = await platform.as(tenant())(REVOKE, { input: { linkId: link.id, idempotencyKey: key() } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.linkId' });
  });
});
