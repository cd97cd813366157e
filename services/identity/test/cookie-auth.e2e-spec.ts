// identity through the gateway with ENABLE_HTTPONLY_AUTH=true: the refresh token lives only in a
// __Host- HttpOnly cookie, asserted on the real Set-Cookie the gateway passes on; refresh and logout
// need the double-submit anti-CSRF header (NC-501).
import { randomUUID } from 'node:crypto';
import { bearer, gql } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { cookieHeader, member, post } from './support/auth-client';

let platform: TestPlatform;
const tenant = () => `c-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['identity'], env: { ENABLE_HTTPONLY_AUTH: 'true' } });
}, 120_000);
afterAll(async () => platform?.stop());

/** Parses one Set-Cookie value into its name, value and attributes (lower-cased names). */
function parseSetCookie(v: string) {
  const [pair, ...attrs] = v.split(';').map((s) => s.trim());
  const [name, ...rest] = pair!.split('=');
  return { name, value: rest.join('='), attrs: Object.fromEntries(attrs.map((a) => { const [k, ...x] = a.split('='); return [k!.toLowerCase(), x.join('=') || true]; })) };
}

async function signIn() {
  const t = tenant();
  const m = await member(platform, t);
  const r = await post(platform, '/auth/login', { tenant: t, email: m.email, password: m.password });
  return { t, m, r, cookies: r.headers.getSetCookie() };
}

describe('refresh token in an HttpOnly cookie', () => {
  it('sets __Host- cookies with HttpOnly; Secure; SameSite=Strict; Path=/ through the gateway and keeps the refresh token out of the body', async () => {
    const { r, cookies } = await signIn();
    expect(r.status).toBe(200);
    expect(r.body.refreshToken).toBeUndefined();
    expect(r.body.accessToken).toEqual(expect.any(String));
    const parsed = cookies.map(parseSetCookie);
    const refresh = parsed.find((c) => c.name === '__Host-commonhold_refresh')!;
    const csrf = parsed.find((c) => c.name === '__Host-commonhold_csrf')!;
    expect(refresh.value).toMatch(/^c-[0-9a-f]{8}\.[A-Za-z0-9_-]{43}$/);
    expect(refresh.attrs).toEqual({ path: '/', secure: true, httponly: true, samesite: 'Strict', 'max-age': String(14 * 24 * 3600) });
    expect(refresh.attrs.domain).toBeUndefined(); // __Host- forbids Domain
    // The CSRF cookie is readable by the page (not HttpOnly) and echoed in the body.
    expect(csrf.attrs).toEqual({ path: '/', secure: true, samesite: 'Strict', 'max-age': String(14 * 24 * 3600) });
    expect(csrf.value).toBe(r.body.csrfToken);
  });

  it('refreshes with the cookie and the x-csrf-token header, rotating the cookie; the old cookie is then reuse', async () => {
    const { r, cookies } = await signIn();
    const refreshed = await post(platform, '/auth/refresh', {}, { cookie: cookieHeader(cookies), 'x-csrf-token': r.body.csrfToken });
    expect(refreshed.status).toBe(200);
    const next = refreshed.headers.getSetCookie();
    expect(cookieHeader(next)).not.toBe(cookieHeader(cookies));
    expect((await gql(platform.gateway.url, '{ me { userId } }', undefined, bearer(refreshed.body.accessToken))).data.me.userId).toEqual(expect.any(String));
    // The first cookie again (e.g. stolen): refused, and the family is gone, the rotated cookie too.
    const reuse = await post(platform, '/auth/refresh', {}, { cookie: cookieHeader(cookies), 'x-csrf-token': r.body.csrfToken });
    expect(reuse.status).toBe(401);
    // Refused refreshes tell the browser to drop its cookies.
    expect(reuse.headers.getSetCookie().map(parseSetCookie).map((c) => [c.name, c.attrs['max-age']])).toEqual([
      ['__Host-commonhold_refresh', '0'],
      ['__Host-commonhold_csrf', '0'],
    ]);
    expect((await post(platform, '/auth/refresh', {}, { cookie: cookieHeader(next), 'x-csrf-token': refreshed.body.csrfToken })).status).toBe(401);
  });

  it('refuses a refresh without the CSRF header, with a mismatched one, or with the token in the body', async () => {
    const { r, cookies } = await signIn();
    const cookie = cookieHeader(cookies);
    const missing = await post(platform, '/auth/refresh', {}, { cookie });
    expect(missing.status).toBe(403);
    expect(missing.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'csrf' });
    expect((await post(platform, '/auth/refresh', {}, { cookie, 'x-csrf-token': 'x'.repeat(32) })).status).toBe(403);
    // A cross-site form cannot read the CSRF cookie, and a body token is not accepted in this mode.
    const refreshToken = parseSetCookie(cookies.find((c) => c.startsWith('__Host-commonhold_refresh'))!).value;
    expect((await post(platform, '/auth/refresh', { refreshToken }, { 'x-csrf-token': r.body.csrfToken })).status).toBe(403);
    // None of these spent the token: the genuine request still works once.
    expect((await post(platform, '/auth/refresh', {}, { cookie, 'x-csrf-token': r.body.csrfToken })).status).toBe(200);
  });

  it('logs out with the cookie and CSRF header, clearing both cookies', async () => {
    const { r, cookies } = await signIn();
    const cookie = cookieHeader(cookies);
    expect((await post(platform, '/auth/logout', {}, { cookie })).status).toBe(403);
    const out = await post(platform, '/auth/logout', {}, { cookie, 'x-csrf-token': r.body.csrfToken });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().map((c) => parseSetCookie(c).attrs['max-age'])).toEqual(['0', '0']);
    expect((await post(platform, '/auth/refresh', {}, { cookie, 'x-csrf-token': r.body.csrfToken })).status).toBe(401);
  });
});

describe('with a second factor', () => {
  it('sets no cookie on the password step, and the __Host- cookies on the code step', async () => {
    const { TOTP, URI } = await import('otpauth');
    const t = tenant();
    const m = await member(platform, t, { roles: ['finance'] });
    const set = await platform.as(t)('mutation($input: SetTenantMfaRequirementInput!) { setTenantMfaRequirement(input: $input) { mfaRequired } }', { input: { required: true, idempotencyKey: `k-${randomUUID()}` } });
    expect(set.data.setTenantMfaRequirement.mfaRequired).toBe(true);
    const first = await post(platform, '/auth/login', { tenant: t, email: m.email, password: m.password });
    expect(first.body).toMatchObject({ mfaRequired: true, otpauthUri: expect.any(String) });
    expect(first.headers.getSetCookie()).toEqual([]);
    const code = (URI.parse(first.body.otpauthUri) as InstanceType<typeof TOTP>).generate();
    const second = await post(platform, '/auth/login/mfa', { challengeToken: first.body.challengeToken, code });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).toBeUndefined();
    const names = second.headers.getSetCookie().map((c) => parseSetCookie(c));
    expect(names.map((c) => c.name).sort()).toEqual(['__Host-commonhold_csrf', '__Host-commonhold_refresh']);
    expect(names.find((c) => c.name === '__Host-commonhold_refresh')!.attrs).toMatchObject({ httponly: true, secure: true, samesite: 'Strict', path: '/' });
    expect((await gql(platform.gateway.url, '{ me { userId } }', undefined, bearer(second.body.accessToken))).data.me.userId).toBe(m.id);
  });
});
