// Financial controls. NC-NFR-03: every financial side effect has an audit event carrying a trace id. Side effects made
// through the gateway are all covered; removing an audit row, or its trace id, is found by the
// checker and reported in the metric, on /audit-gaps and per tenant (and another tenant's clean
// data is not reported).
// Secrets at rest: payment-provider credentials are stored sealed (envelope encryption).
import { Client } from 'pg';
import type { AuditReport } from '@commonhold/kit';
import { adminUrl } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { idempotencyKey, ok, tenantName, tenantRows } from '@commonhold/testing/src/support';
import { contracts } from '../contracts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['fundraising'], env: { AUDIT_CHECK_INTERVAL_MS: '0' } });
}, 120_000);
afterAll(async () => platform?.stop());

const svc = () => platform.services.fundraising!;
const base = () => svc().url.replace(/\/graphql$/, '');
const withDatabase = (url: string, db: string) => Object.assign(new URL(url), { pathname: `/${db}` }).toString();
const gapsOf = (report: AuditReport, tenant: string) =>
  report.gaps.filter((g) => g.tenantId === tenant).map((g) => ({ check: g.check, entityIds: g.entityIds }));
const metric = async (check: string) => {
  const text = await (await fetch(`${base()}/metrics`)).text();
  return Number(new RegExp(`^audit_gaps\\{check="${check}"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
};

/** Runs the named mutations' contract samples as `tenant` (each a financial side effect). */
async function sideEffects(tenant: string, names: string[]) {
  const as = platform.as(tenant);
  for (const name of names) {
    const input = await contracts.samples[name]!({ as, tenant, platform }, idempotencyKey());
    const type = name.charAt(0).toUpperCase() + name.slice(1);
    await ok(as, `mutation($input: ${type}Input!) { ${name}(input: $input) { __typename } }`, { input });
  }
}

it('finds no gap after side effects made through the API, and reports removed audit rows or trace ids', async () => {
  const a = tenantName('audit-a');
  const b = tenantName('audit-b');
  await sideEffects(a, ['recordGift', 'refundGift', 'createGiftAidClaim', 'configurePaymentProvider', 'createRecurringAgreement', 'runFundraisingImport']);
  await sideEffects(b, ['recordGift']);

  const clean = await svc().auditChecker.run();
  expect(clean.tenants).toBeGreaterThanOrEqual(2);
  expect(gapsOf(clean, a)).toEqual([]);
  expect(gapsOf(clean, b)).toEqual([]);
  expect(await metric('gift_recorded')).toBe(0);

  const [gift] = await tenantRows(platform, 'fundraising', a, `SELECT g.id FROM gifts g JOIN gift_refunds r ON r.gift_id = g.id LIMIT 1`);
  // The application's role cannot rewrite the trail: no delete, no change to who/what/trace.
  const asApp = (sql: string) =>
    svc().runtime.ds.transaction(async (m) => {
      await m.query(`SELECT set_config('app.tenant_id', $1, true)`, [a]);
      return m.query(sql, [gift!.id]);
    });
  await expect(asApp(`DELETE FROM audit_events WHERE entity_type = 'Gift' AND entity_id = $1`)).rejects.toThrow(/append-only/);
  await expect(asApp(`UPDATE audit_events SET trace_id = NULL WHERE entity_type = 'Gift' AND entity_id = $1`)).rejects.toThrow(/append-only/);

  // So tamper as a database superuser would (triggers off): drop one gift's audit row, blank a refund's trace id.
  const su = new Client({ connectionString: withDatabase(adminUrl(), `${platform.prefix}fundraising`) });
  await su.connect();
  try {
    await su.query(`SET session_replication_role = replica`);
    await su.query(`DELETE FROM audit_events WHERE entity_type = 'Gift' AND entity_id = $1 AND action = 'gift.recorded'`, [gift!.id]);
    await su.query(`UPDATE audit_events SET trace_id = NULL WHERE entity_type = 'Gift' AND entity_id = $1 AND action = 'gift.refunded'`, [gift!.id]);
  } finally {
    await su.end();
  }
  const [refund] = await tenantRows(platform, 'fundraising', a, `SELECT id FROM gift_refunds WHERE gift_id = $1`, [gift!.id]);

  const report = await svc().auditChecker.run();
  expect(gapsOf(report, a)).toEqual([
    { check: 'gift_recorded', entityIds: [gift!.id] },
    { check: 'gift_refunded', entityIds: [refund!.id] },
  ]);
  expect(gapsOf(report, b)).toEqual([]);
  expect(await metric('gift_recorded')).toBe(1);
  expect(await metric('gift_refunded')).toBe(1);
  expect(await metric('gift_aid_claim_created')).toBe(0);

  // The operator's list: the last pass over HTTP.
  const listed = (await (await fetch(`${base()}/audit-gaps`)).json()) as AuditReport;
  expect(gapsOf(listed, a)).toEqual(gapsOf(report, a));
});

it('stores payment-provider secrets sealed: the database holds no plaintext, the API never returns them', async () => {
  const tenant = tenantName('sealed');
  const as = platform.as(tenant);
  const apiKey = `sk_test_${idempotencyKey()}`;
  const webhookSecret = `whsec_${idempotencyKey()}`;
  const r = await ok(as, `mutation($input: ConfigurePaymentProviderInput!) { configurePaymentProvider(input: $input) { account { provider webhookSecretSet apiKeySet } } }`, {
    input: { provider: 'STRIPE', environment: 'SANDBOX', apiKey, webhookSecret, idempotencyKey: idempotencyKey() },
  });
  expect(r.configurePaymentProvider.account).toEqual({ provider: 'STRIPE', webhookSecretSet: true, apiKeySet: true });
  const [row] = await tenantRows(platform, 'fundraising', tenant, `SELECT webhook_secret, api_key FROM payment_provider_accounts`);
  expect(row!.api_key).toMatch(/^chs1\./);
  expect(row!.webhook_secret).toMatch(/^chs1\./);
  const everything = JSON.stringify(await tenantRows(platform, 'fundraising', tenant, `SELECT p.*, (SELECT json_agg(a) FROM audit_events a) AS audit, (SELECT json_agg(k) FROM kit_data_keys k) AS keys FROM payment_provider_accounts p`));
  expect(everything).not.toContain(apiKey);
  expect(everything).not.toContain(webhookSecret);
});
