// The TOTP second factor (RFC 6238) through the gateway: enrolment (URI once, confirmed by a first
// code), the two-step sign-in, replay of a code refused, codes outside the ±1 step window refused,
// recovery codes (single use, hashed at rest), the secret sealed at rest, wrong codes locked out
// like passwords (429 + Retry-After), and the tenant requirement for admin and finance (audited).
import { createHash, randomUUID } from 'node:crypto';
import { TOTP, URI } from 'otpauth';
import { withTenant } from '@commonhold/kit';
import { gql, bearer } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { key, member, post } from './support/auth-client';

let platform: TestPlatform;
const tenant = () => `t-${randomUUID().slice(0, 8)}`;
const STEP = 30_000;

beforeAll(async () => {
  platform = await startTestPlatform({
    transport: 'in-process',
    services: ['identity'],
    serviceEnv: { identity: { MFA_ACCOUNT_FAILURES: '3', LOGIN_IP_FAILURES: '200' } },
  });
}, 120_000);
afterAll(async () => platform?.stop());

const login = (body: Record<string, unknown>) => post(platform, '/auth/login', body);
const loginMfa = (body: Record<string, unknown>) => post(platform, '/auth/login/mfa', body);
const asToken = (accessToken: string, query: string, variables?: Record<string, unknown>) => gql(platform.gateway.url, query, variables, bearer(accessToken));
/** The code an authenticator app shows at `at` (ms), computed from the enrolment URI's secret. */
const codeAt = (uri: string, at: number) => (URI.parse(uri) as TOTP).generate({ timestamp: at });
/** Reads identity's database inside the tenant's row-level-security fence. */
const sql = (t: string, query: string, params: unknown[]): Promise<any[]> => withTenant(platform.services.identity!.runtime.ds, t, (m) => m.query(query, params));

const START = 'mutation($input: StartTotpEnrolmentInput!) { startTotpEnrolment(input: $input) { otpauthUri } }';
const CONFIRM = 'mutation($input: ConfirmTotpEnrolmentInput!) { confirmTotpEnrolment(input: $input) { recoveryCodes } }';

/** A member who enrolled through GraphQL: their password, the URI, the recovery codes and the step their confirming code used. */
async function enrolled(t: string, roles = ['fundraiser']) {
  const m = await member(platform, t, { roles });
  const first = await login({ tenant: t, email: m.email, password: m.password });
  const access = first.body.accessToken as string;
  const started = await asToken(access, START, { input: { idempotencyKey: key() } });
  const uri = started.data.startTotpEnrolment.otpauthUri as string;
  const now = Date.now();
  const confirmed = await asToken(access, CONFIRM, { input: { code: codeAt(uri, now), idempotencyKey: key() } });
  expect(confirmed.errors).toBeUndefined();
  return { ...m, uri, access, recoveryCodes: confirmed.data.confirmTotpEnrolment.recoveryCodes as string[], confirmedAt: now };
}

describe('TOTP enrolment', () => {
  it('answers the secret once as an otpauth:// URI, seals it at rest, and confirms with a first code; recovery codes are stored hashed', async () => {
    const t = tenant();
    const m = await member(platform, t);
    const access = (await login({ tenant: t, email: m.email, password: m.password })).body.accessToken;
    const idem = key();
    const started = await asToken(access, START, { input: { idempotencyKey: idem } });
    const uri = started.data.startTotpEnrolment.otpauthUri;
    const parsed = URI.parse(uri) as TOTP;
    expect(parsed).toBeInstanceOf(TOTP);
    expect({ issuer: parsed.issuer, label: parsed.label, digits: parsed.digits, period: parsed.period, algorithm: parsed.algorithm }).toEqual({ issuer: 'Commonhold', label: m.email, digits: 6, period: 30, algorithm: 'SHA1' });
    // A replay of the same idempotency key does not show the secret again.
    expect((await asToken(access, START, { input: { idempotencyKey: idem } })).data.startTotpEnrolment.otpauthUri).toBeNull();

    const [row] = await sql(t, 'SELECT secret_sealed FROM totp_factors WHERE user_id = $1', [m.id]);
    expect(row.secret_sealed).toMatch(/^chs1\./);
    expect(row.secret_sealed).not.toContain(parsed.secret.base32);

    const wrong = await asToken(access, CONFIRM, { input: { code: String((Number(codeAt(uri, Date.now())) + 1) % 1_000_000).padStart(6, '0'), idempotencyKey: key() } });
    expect(wrong.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.code', reason: 'invalid' });
    const malformed = await asToken(access, CONFIRM, { input: { code: '12ab', idempotencyKey: key() } });
    expect(malformed.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.code' });

    const confirmIdem = key();
    const confirmed = await asToken(access, CONFIRM, { input: { code: codeAt(uri, Date.now()), idempotencyKey: confirmIdem } });
    const codes = confirmed.data.confirmTotpEnrolment.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const stored = await sql(t, 'SELECT code_hash FROM recovery_codes WHERE user_id = $1', [m.id]);
    expect(stored.map((r: any) => r.code_hash).sort()).toEqual(codes.map((c: string) => createHash('sha256').update(c.replace(/-/g, '')).digest('hex')).sort());
    expect(JSON.stringify(stored)).not.toContain(codes[0]);
    expect((await asToken(access, CONFIRM, { input: { code: codeAt(uri, Date.now()), idempotencyKey: confirmIdem } })).data.confirmTotpEnrolment.recoveryCodes).toBeNull();
    expect((await asToken(access, '{ myMfa { totpEnabled enrolmentPending recoveryCodesLeft } }')).data.myMfa).toEqual({ totpEnabled: true, enrolmentPending: false, recoveryCodesLeft: 10 });
    // Enrolling again while a factor is confirmed is a conflict (an admin resets a lost device).
    const again = await asToken(access, START, { input: { idempotencyKey: key() } });
    expect(again.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', reason: 'enrolled' });
    const audit = await sql(t, `SELECT action, trace_id FROM audit_events WHERE tenant_id = $1 AND entity_id = $2`, [t, m.id]);
    expect(audit.map((a: any) => a.action)).toEqual(expect.arrayContaining(['mfa.enrolment_started', 'mfa.enrolled']));
  });
});

describe('two-step sign-in', () => {
  it('answers mfaRequired with a challenge, then signs in with a code; the same code again is a replay', async () => {
    const t = tenant();
    const m = await enrolled(t);
    const first = await login({ tenant: t, email: m.email, password: m.password });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ mfaRequired: true, challengeToken: expect.stringMatching(new RegExp(`^${t}\\.`)), expiresIn: 300 });
    expect(first.body.accessToken).toBeUndefined();

    // The confirming code used this step; the next step's code (accepted within the ±1 window) signs in.
    const next = codeAt(m.uri, m.confirmedAt + STEP);
    const ok = await loginMfa({ challengeToken: first.body.challengeToken, code: next });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ tokenType: 'Bearer', accessToken: expect.any(String), refreshToken: expect.any(String) });
    expect((await asToken(ok.body.accessToken, '{ me { userId } }')).data.me.userId).toBe(m.id);
    // The challenge is single use.
    const reusedChallenge = await loginMfa({ challengeToken: first.body.challengeToken, code: codeAt(m.uri, Date.now() + STEP) });
    expect({ status: reusedChallenge.status, ext: reusedChallenge.body.errors[0].extensions }).toMatchObject({ status: 401, ext: { code: 'UNAUTHENTICATED', field: 'challengeToken', reason: 'challenge' } });

    // A fresh challenge with the very code just accepted: refused as a replay inside its window.
    const second = await login({ tenant: t, email: m.email, password: m.password });
    const replay = await loginMfa({ challengeToken: second.body.challengeToken, code: next });
    expect({ status: replay.status, ext: replay.body.errors[0].extensions }).toMatchObject({ status: 401, ext: { code: 'UNAUTHENTICATED', field: 'code', reason: 'replayed' } });
    // An older code of the window (the confirming one) too.
    const older = await loginMfa({ challengeToken: second.body.challengeToken, code: codeAt(m.uri, m.confirmedAt) });
    expect(older.body.errors[0].extensions.reason).toBe('replayed');
  });

  it('refuses codes outside the ±1 step window and malformed codes; the challenge stays usable for the right code', async () => {
    const t = tenant();
    const m = await enrolled(t);
    const ch = (await login({ tenant: t, email: m.email, password: m.password })).body.challengeToken;
    for (const at of [Date.now() + 3 * STEP, Date.now() - 3 * STEP]) {
      const r = await loginMfa({ challengeToken: ch, code: codeAt(m.uri, at) });
      expect({ status: r.status, ext: r.body.errors[0].extensions }).toMatchObject({ status: 401, ext: { code: 'UNAUTHENTICATED', field: 'code', reason: 'invalid' } });
    }
    const bad = await loginMfa({ challengeToken: ch, code: 'abcdef' });
    expect({ status: bad.status, ext: bad.body.errors[0].extensions }).toMatchObject({ status: 400, ext: { code: 'BAD_USER_INPUT', field: 'code' } });
    // Still usable with a right code (2 wrong attempts < 3 allowed per account).
    const ok = await loginMfa({ challengeToken: ch, code: codeAt(m.uri, m.confirmedAt + STEP) });
    expect(ok.status).toBe(200);
  });

  it('signs in with a recovery code once; the same recovery code again is refused', async () => {
    const t = tenant();
    const m = await enrolled(t);
    const rc = m.recoveryCodes[0]!;
    const ch1 = (await login({ tenant: t, email: m.email, password: m.password })).body.challengeToken;
    const ok = await loginMfa({ challengeToken: ch1, recoveryCode: rc.toUpperCase() });
    expect(ok.status).toBe(200);
    const ch2 = (await login({ tenant: t, email: m.email, password: m.password })).body.challengeToken;
    const again = await loginMfa({ challengeToken: ch2, recoveryCode: rc });
    expect({ status: again.status, ext: again.body.errors[0].extensions }).toMatchObject({ status: 401, ext: { code: 'UNAUTHENTICATED', field: 'recoveryCode', reason: 'invalid' } });
    expect((await asToken(ok.body.accessToken, '{ myMfa { recoveryCodesLeft } }')).data.myMfa.recoveryCodesLeft).toBe(9);
  });

  it('locks the second step after repeated wrong codes (429 + Retry-After), even for the right code, and records it', async () => {
    const t = tenant();
    const m = await enrolled(t);
    const right = codeAt(m.uri, m.confirmedAt + STEP);
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
    const lockouts = async () => {
      const text = await (await fetch(`http://127.0.0.1:${platform.services.identity!.port}/metrics`)).text();
      return Number(text.split('\n').find((l) => l.startsWith('auth_lockouts_total{') && l.includes('kind="mfa"'))!.split(' ').pop());
    };
    const lockoutsBefore = await lockouts();
    for (let i = 0; i < 3; i++) {
      const ch = (await login({ tenant: t, email: m.email, password: m.password })).body.challengeToken;
      expect((await loginMfa({ challengeToken: ch, code: wrong })).status).toBe(401);
    }
    const ch = (await login({ tenant: t, email: m.email, password: m.password })).body.challengeToken;
    const locked = await loginMfa({ challengeToken: ch, code: right });
    expect(locked.status).toBe(429);
    expect(locked.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await lockouts()) - lockoutsBefore).toBe(1);
    const events = await platform.as(t)('{ identitySecurityEvents(first: 20) { edges { node { kind userId } } } }');
    const kinds = events.data.identitySecurityEvents.edges.map((e: any) => e.node.kind);
    expect(kinds).toEqual(expect.arrayContaining(['mfa_failed', 'mfa_locked']));
  });
});

describe('the tenant requirement (admin and finance)', () => {
  const SET = 'mutation($input: SetTenantMfaRequirementInput!) { setTenantMfaRequirement(input: $input) { mfaRequired mfaRequiredRoles } }';

  it('makes finance members enrol at sign-in while others sign in with a password alone; the change is audited and admin-only', async () => {
    const t = tenant();
    const fin = await member(platform, t, { roles: ['finance'] });
    const fundraiser = await member(platform, t, { roles: ['fundraiser'] });
    // Off by default: a password is enough.
    expect((await login({ tenant: t, email: fin.email, password: fin.password })).body.accessToken).toEqual(expect.any(String));

    const refused = await platform.as(t, { roles: ['finance'] })(SET, { input: { required: true, idempotencyKey: key() } });
    expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const set = await platform.as(t)(SET, { input: { required: true, idempotencyKey: key() } });
    expect(set.data.setTenantMfaRequirement).toEqual({ mfaRequired: true, mfaRequiredRoles: ['admin', 'finance'] });
    const [audit] = await sql(t, `SELECT before, after, trace_id FROM audit_events WHERE tenant_id = $1 AND action = 'tenant.mfa_requirement_changed'`, [t]);
    expect(audit).toMatchObject({ before: { mfaRequired: false }, after: { mfaRequired: true }, trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) });

    expect((await login({ tenant: t, email: fundraiser.email, password: fundraiser.password })).body.accessToken).toEqual(expect.any(String));
    const challenged = await login({ tenant: t, email: fin.email, password: fin.password });
    expect(challenged.body).toMatchObject({ mfaRequired: true, challengeToken: expect.any(String), otpauthUri: expect.stringMatching(/^otpauth:\/\/totp\//) });
    expect(challenged.body.accessToken).toBeUndefined();
    const ok = await loginMfa({ challengeToken: challenged.body.challengeToken, code: codeAt(challenged.body.otpauthUri, Date.now()) });
    expect(ok.status).toBe(200);
    expect(ok.body.recoveryCodes).toHaveLength(10);
    const [enrolledAudit] = await sql(t, `SELECT actor, after, trace_id FROM audit_events WHERE tenant_id = $1 AND action = 'mfa.enrolled' AND entity_id = $2`, [t, fin.id]);
    expect(enrolledAudit).toMatchObject({ actor: fin.id, after: { totp: true, at: 'sign-in' }, trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    // Enrolled now: the next sign-in asks for a code and shows no secret.
    const next = await login({ tenant: t, email: fin.email, password: fin.password });
    expect(next.body).toEqual({ mfaRequired: true, challengeToken: expect.any(String), expiresIn: 300 });
  });

  it('lets an admin reset a member who lost their device (audited)', async () => {
    const t = tenant();
    const m = await enrolled(t);
    const r = await platform.as(t)('mutation($input: ResetMemberMfaInput!) { resetMemberMfa(input: $input) { userId } }', { input: { userId: m.id, idempotencyKey: key() } });
    expect(r.data.resetMemberMfa.userId).toBe(m.id);
    expect((await login({ tenant: t, email: m.email, password: m.password })).body.accessToken).toEqual(expect.any(String));
    const [audit] = await sql(t, `SELECT before, after FROM audit_events WHERE tenant_id = $1 AND action = 'mfa.reset'`, [t]);
    expect(audit).toMatchObject({ before: { totp: true }, after: { totp: false } });
  });
});
