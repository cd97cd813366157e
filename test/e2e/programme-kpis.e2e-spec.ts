// The programme KPI scorecard (issue 14 item 8, NC-605/NC-703). One GraphQL query answers the five
// KPIs of the caller's tenant from four subgraphs (collections, bulk-ops, voting, vendors), and
// each panel of the generated Grafana scorecard returns data when Prometheus (promtool) evaluates
// its query over the series the running services exported before and after the same traffic.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { idempotencyKey, ok, tenantName, tenantRows } from '@commonhold/testing/src/support';
import { MANUAL_MINUTES_PER_BULK_ITEM, PROGRAMME_KPIS } from '../../packages/observability/src/dashboards/kpis';
import { generatedDashboards } from '../observability/support/queries';
import { parseExposition, type Exposition } from '../observability/support/exposition';
import { promtool, rulesWorkdir } from '../observability/support/promtool';
import { MANUAL_MINUTES_PER_ITEM } from '../../services/bulk-ops/src/modules/scorecard';
import { kpiPassOf } from '../../services/collections/src/modules/kpis';
import { dryRunJob, EXECUTE, finished, givenBuilding as givenBulkBuilding } from '../../services/bulk-ops/test/support';
import { buildRule, cast, CLOSE, CREATE_RULE, createVote, givenBuilding as givenVotingBuilding, owner } from '../../services/voting/test/support';
import { asVendor, CREATE_WO, gbp, givenBuilding as givenVendorBuilding, givenVendor, OFFER_WO, RESPOND } from '../../services/vendors/test/support';

const KPIS = `query($days: Int) { programmeKpis(days: $days) {
  days collectionRates { currency charged { amountMinor currency } collected { amountMinor currency } rate }
  reconciliationMismatchRate reconciliationItemsChecked reconciliationItemsMismatched
  bulkItemsSucceeded manualMinutesPerItem managerHoursSaved
  voteToTaskCount voteToTaskP99Seconds voteToTaskWithinTarget
  vendorSlaResponseBreaches vendorSlaCompletionBreaches } }`;

/** Every panel of a dashboard, rows' own panels included. */
const panels = (d: any): any[] => (d.panels ?? []).flatMap((p: any) => [p, ...(p.panels ?? [])]);

let platform: TestPlatform;
const scrape = async (): Promise<Map<string, Exposition>> => {
  const out = new Map<string, Exposition>();
  for (const [name, svc] of Object.entries(platform.services)) out.set(name, parseExposition(await (await fetch(svc.url.replace(/\/graphql$/, '/metrics'))).text()));
  return out;
};
let before: Map<string, Exposition>;
let after: Map<string, Exposition>;
let tenant: string;
let answer: any;

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process' });
  before = await scrape();
  tenant = tenantName('kpis');
  const admin = platform.as(tenant);

  // Bulk-ops: a common expense of £100.00 over two apartments, executed to completion (two charges
  // posted in collections), then one apartment pays its £60.00.
  const bulk = await givenBulkBuilding(platform, tenant, admin, [600, 400]);
  const job = await dryRunJob(admin, bulk.buildingId, 10_000);
  await ok(admin, EXECUTE, { input: { id: job.id, previewHash: job.previewHash, idempotencyKey: idempotencyKey() } });
  expect((await finished(admin, job.id)).status).toBe('COMPLETED');
  await ok(admin, `mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { entry { id } } }`, {
    input: { apartmentId: bulk.apartments[0]!.id, amount: gbp(6_000), idempotencyKey: idempotencyKey() },
  });

  // Voting: an approved vote whose TASK rule runs at the close.
  const voting = await givenVotingBuilding(platform, tenant, admin, [700, 300]);
  await ok(admin, CREATE_RULE, { input: buildRule(voting.buildingId) });
  const vote = await createVote(admin, voting.buildingId);
  await cast(owner(platform, tenant, voting.apartments[0]!.id), vote.id, voting.apartments[0]!.id, 'YES');
  await ok(admin, CLOSE, { input: { id: vote.id, idempotencyKey: idempotencyKey() } });

  // Vendors: a work order accepted after its response deadline (one response breach).
  const vb = await givenVendorBuilding(platform, tenant, admin);
  const v = await givenVendor(admin, [vb], { trades: ['plumbing'] }, { status: 'EXEMPT', expiresOn: null });
  const wo = (await ok(admin, CREATE_WO, { input: { buildingId: vb, category: 'plumbing', title: 'Fix the riser', idempotencyKey: idempotencyKey() } })).createWorkOrder.workOrder.id;
  await ok(admin, OFFER_WO, { input: { id: wo, vendorId: v, price: gbp(50_000), idempotencyKey: idempotencyKey() } });
  await tenantRows(platform, 'vendors', tenant, `UPDATE work_orders SET response_due_at = now() - interval '1 hour' WHERE id = $1`, [wo]);
  await ok(asVendor(platform, tenant, v), RESPOND, { input: { id: wo, accept: true, idempotencyKey: idempotencyKey() } });

  // Collections' KPI pass sets the collection-rate and reconciliation gauges (it runs on a timer in production).
  await kpiPassOf(platform.services.collections!.runtime).run();
  after = await scrape();
  answer = (await ok(admin, KPIS, { days: 30 })).programmeKpis;
}, 300_000);

afterAll(async () => {
  await platform?.stop();
});

describe('programmeKpis (GraphQL): the tenant’s five KPIs from four subgraphs', () => {
  it('answers each KPI from the service that owns it', () => {
    expect(answer).toMatchObject({
      days: 30,
      collectionRates: [{ currency: 'GBP', charged: gbp(10_000), collected: gbp(6_000), rate: 0.6 }],
      reconciliationMismatchRate: 0,
      reconciliationItemsMismatched: 0,
      bulkItemsSucceeded: 2,
      manualMinutesPerItem: MANUAL_MINUTES_PER_ITEM,
      managerHoursSaved: (2 * MANUAL_MINUTES_PER_ITEM) / 60,
      voteToTaskCount: 1,
      voteToTaskWithinTarget: 1,
      vendorSlaResponseBreaches: 1,
      vendorSlaCompletionBreaches: 0,
    });
    expect(answer.reconciliationItemsChecked).toBeGreaterThanOrEqual(2);
    expect(answer.voteToTaskP99Seconds).toBeGreaterThanOrEqual(0);
    expect(answer.voteToTaskP99Seconds).toBeLessThan(300);
  });

  it('shows another tenant nothing of this one', async () => {
    const other = (await ok(platform.as(tenantName('kpis-other')), KPIS, { days: 30 })).programmeKpis;
    expect(other).toEqual({
      days: 30, collectionRates: [], reconciliationMismatchRate: 0, reconciliationItemsChecked: 0, reconciliationItemsMismatched: 0,
      bulkItemsSucceeded: 0, manualMinutesPerItem: MANUAL_MINUTES_PER_ITEM, managerHoursSaved: 0,
      voteToTaskCount: 0, voteToTaskP99Seconds: null, voteToTaskWithinTarget: null, vendorSlaResponseBreaches: 0, vendorSlaCompletionBreaches: 0,
    });
  });

  it('refuses a caller without kpis:read, a building-scoped caller, and a bad window', async () => {
    const fundraiser = await platform.as(tenant, { roles: ['fundraiser'] })(KPIS, { days: 30 });
    expect(fundraiser.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', permission: 'kpis:read' });
    const scoped = await platform.as(tenant, { roles: ['admin'], scope: ['building:00000000-0000-4000-8000-000000000001'] })(KPIS, { days: 30 });
    expect(scoped.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE' });
    for (const days of [0, 367]) {
      const bad = await platform.as(tenant)(KPIS, { days });
      expect(bad.data ?? null).toBeNull();
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'days' });
    }
  });
});

describe('the Grafana scorecard (commonhold-kpis)', () => {
  it('uses the same manual minutes per bulk item as bulk-ops', () => {
    expect(MANUAL_MINUTES_PER_BULK_ITEM).toBe(MANUAL_MINUTES_PER_ITEM);
  });

  it('draws exactly the five KPI queries on its stat cards', () => {
    const d = generatedDashboards().find((x: any) => x.uid === 'commonhold-kpis');
    const stats = panels(d).filter((p: any) => p.type === 'stat');
    expect(stats.map((p: any) => p.title)).toEqual(Object.values(PROGRAMME_KPIS).map((k) => k.title));
  });

  it('each panel query returns data over the series the services exported (promtool)', () => {
    const gauges = new Set(['collections_collection_rate', 'collections_reconciliation_mismatch_ratio']);
    const names = new Set(['collections_collection_rate', 'collections_reconciliation_mismatch_ratio', 'bulk_job_items_total', 'vote_to_task_seconds_bucket', 'vendor_sla_breaches_total']);
    const key = (s: { name: string; labels: Record<string, string> }) => `${s.name}{${Object.entries(s.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
    const was = new Map([...before.values()].flatMap((e) => e.samples.map((s) => [key(s), s.value] as const)));
    const input_series = [...after.values()].flatMap((e) =>
      // A counter or bucket the first scrape did not have yet started at 0 (prom-client creates a
      // labelled child on its first observation); a gauge is read as it is now.
      e.samples.filter((s) => names.has(s.name)).map((s) => ({ series: key(s), values: `${was.get(key(s)) ?? (gauges.has(s.name) ? s.value : 0)} ${s.value}` })),
    );
    expect([...new Set(input_series.map((x) => x.series.slice(0, x.series.indexOf('{'))))].sort()).toEqual([...names].sort());
    const d = generatedDashboards().find((x: any) => x.uid === 'commonhold-kpis');
    const exprs: string[] = panels(d).flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr as string)).map((e: string) => e.replaceAll('$__rate_interval', '5m'));
    expect(exprs.length).toBeGreaterThanOrEqual(5);
    const dir = rulesWorkdir();
    const tests = [{
      interval: '1m',
      input_series,
      // `(q) == (q)` drops NaN; count > bool 0 is 1 only when some series is left: data, and real numbers.
      promql_expr_test: exprs.map((q) => ({ expr: `count((${q}) == (${q})) > bool 0`, eval_time: '1m', exp_samples: [{ labels: '{}', value: 1 }] })),
    }];
    writeFileSync(join(dir, 'test.yaml'), stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }, { lineWidth: 0 }));
    const r = promtool(['test', 'rules', 'test.yaml'], dir);
    if (r.status !== 0) throw new Error(`promtool test rules failed (${dir}/test.yaml):\n${r.output}`);
    expect(r.output).toMatch(/SUCCESS/);
  }, 120_000);
});
