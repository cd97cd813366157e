// Pilot rollout per tenant (issue 11 item 9, NC-601): the volunteers subgraph's kill switch is off
// by default and on for the pilot tenants the environment lists; a tenant's own setting (written by
// operators with `main flag …`, audited) overrides the environment either way; everyone else gets
// FEATURE_DISABLED. Through the gateway, on real PostgreSQL.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTenantFeatureFlag } from '@commonhold/kit';
import { tenantName, tenantRows } from '@commonhold/testing/src/support';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';

const PILOT = tenantName('pilot');
const OTHER = tenantName('other');
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({
    transport: 'in-process',
    services: ['fundraising', 'volunteers'],
    // No cache: each request sees the settings just written.
    env: { ENABLE_VOLUNTEERS: 'false', FEATURE_PILOT_TENANTS: `ENABLE_VOLUNTEERS:${PILOT}`, TENANT_FLAGS_CACHE_MS: '0' },
  });
}, 120_000);
afterAll(async () => platform?.stop());

const REGISTER = `mutation($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { volunteerProfile { status } } }`;
/** The code registerVolunteer answers for an unknown contact: NOT_FOUND when the feature is on. */
const codeFor = async (tenant: string) =>
  (await platform.as(tenant)(REGISTER, { input: { contactId: '00000000-0000-4000-8000-000000000001', idempotencyKey: `k-${tenant}-${Math.random()}` } })).errors?.[0]?.extensions?.code;
const ds = () => platform.services.volunteers!.runtime.ds;
const flagAudit = (tenant: string) =>
  tenantRows(platform, 'volunteers', tenant, `SELECT actor, action, entity_id, before, after FROM audit_events WHERE entity_type = 'feature-flag' ORDER BY id`);

describe('pilot rollout of ENABLE_VOLUNTEERS', () => {
  it('is on for the listed pilot tenant only; the rest get FEATURE_DISABLED', async () => {
    expect(await codeFor(PILOT)).toBe('NOT_FOUND');
    expect(await codeFor(OTHER)).toBe('FEATURE_DISABLED');
    // The other subgraph's kill switch is untouched.
    expect((await platform.as(OTHER)(`{ contacts(first: 1) { edges { node { id } } } }`)).errors).toBeUndefined();
  });

  it("lets a tenant's own setting override the environment both ways, each change audited with its actor", async () => {
    expect(await setTenantFeatureFlag(ds(), { tenantId: OTHER, flag: 'ENABLE_VOLUNTEERS', enabled: true, actor: 'ops-alice' })).toEqual({ before: null, after: true });
    expect(await codeFor(OTHER)).toBe('NOT_FOUND');
    await setTenantFeatureFlag(ds(), { tenantId: PILOT, flag: 'ENABLE_VOLUNTEERS', enabled: false, actor: 'ops-alice' });
    expect(await codeFor(PILOT)).toBe('FEATURE_DISABLED');
    // Setting the same value again changes nothing and audits nothing.
    await setTenantFeatureFlag(ds(), { tenantId: PILOT, flag: 'ENABLE_VOLUNTEERS', enabled: false, actor: 'ops-bob' });
    // Cleared: the environment's pilot list decides again.
    expect(await setTenantFeatureFlag(ds(), { tenantId: PILOT, flag: 'ENABLE_VOLUNTEERS', enabled: null, actor: 'ops-bob' })).toEqual({ before: false, after: null });
    expect(await codeFor(PILOT)).toBe('NOT_FOUND');

    expect(await flagAudit(PILOT)).toEqual([
      { actor: 'ops-alice', action: 'feature-flag.set', entity_id: 'ENABLE_VOLUNTEERS', before: { enabled: null }, after: { enabled: false } },
      { actor: 'ops-bob', action: 'feature-flag.set', entity_id: 'ENABLE_VOLUNTEERS', before: { enabled: false }, after: { enabled: null } },
    ]);
    expect(await flagAudit(OTHER)).toEqual([{ actor: 'ops-alice', action: 'feature-flag.set', entity_id: 'ENABLE_VOLUNTEERS', before: { enabled: null }, after: { enabled: true } }]);
  });

  it("keeps one tenant's setting away from every other tenant", async () => {
    const third = tenantName('third');
    await setTenantFeatureFlag(ds(), { tenantId: third, flag: 'ENABLE_VOLUNTEERS', enabled: true, actor: 'ops-alice' });
    expect(await codeFor(third)).toBe('NOT_FOUND');
    expect(await codeFor(tenantName('fourth'))).toBe('FEATURE_DISABLED');
    expect(await tenantRows(platform, 'volunteers', tenantName('fifth'), `SELECT * FROM tenant_feature_flags`)).toEqual([]);
  });

  it('sets a tenant on through the service entry point: main flag <FLAG> <tenant> on --actor <name>', async () => {
    const late = tenantName('late');
    expect(await codeFor(late)).toBe('FEATURE_DISABLED');
    const config = platform.services.volunteers!.runtime.config;
    await promisify(execFile)(process.execPath, ['--import', 'tsx', join(__dirname, '../../services/volunteers/src/main.ts'), 'flag', 'ENABLE_VOLUNTEERS', late, 'on', '--actor', 'ops-carol'], {
      env: { ...process.env, DATABASE_URL: config.DATABASE_URL, LOG_LEVEL: 'silent', NODE_ENV: 'test', OTEL_EXPORTER_OTLP_ENDPOINT: '' },
      cwd: join(__dirname, '../..'),
    });
    expect(await codeFor(late)).toBe('NOT_FOUND');
    expect(await flagAudit(late)).toEqual([{ actor: 'ops-carol', action: 'feature-flag.set', entity_id: 'ENABLE_VOLUNTEERS', before: { enabled: null }, after: { enabled: true } }]);
  }, 60_000);
});
