// Every metric a shipped query names is one a running service exports. The platform runs in
// process; traffic through the gateway gives the histograms series; /metrics of the gateway and
// each subgraph is scraped. Queries come from the generated rules and dashboards and from the
// umbrella chart as `helm template` renders it (PrometheusRule, dashboard ConfigMaps,
// AnalysisTemplate), plus the PromQL the SLO runbook tells on-call to run. Recording-rule names resolve to their own definitions; the domain metrics
// that are still planned (packages/observability/src/planned-metrics.ts) are accepted by name,
// and any other unknown name — a typo — fails.
import { createMetrics } from '@commonhold/kit';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { randomUUID } from 'node:crypto';
import { PLANNED_METRIC_LIST, plannedSeriesNames } from '../../packages/observability/src/planned-metrics';
import { metricReferences, variableQueryReferences, type MetricReference } from '../../packages/observability/src/promql';
import { SERVICE_SLOS, SLI_ROUTE } from '../../packages/observability/src/slos';
import { parseExposition, seriesNames, type Exposition } from './support/exposition';
import { dashboardQueries, generatedDashboards, generatedRuleGroups, recordNames, renderUmbrellaChart, renderedQueries, ruleQueries, runbookQueries, type ShippedQuery } from './support/queries';
import { dryRunJob as dryRunBulkJob, EXECUTE as BULK_EXECUTE, finished as bulkFinished, givenBuilding as givenBulkBuilding } from '../../services/bulk-ops/test/support';

/**
 * Labels Prometheus adds to every scraped series (target labels), not exported by the services:
 * the ServiceMonitor copies `rollouts-pod-template-hash` as `rollouts_pod_template_hash` (ADR 0003).
 * (`service` is the services' own default label; the ServiceMonitor honours it.)
 */
const TARGET_LABELS = new Set(['job', 'instance', 'namespace', 'pod', 'container', 'endpoint', 'rollouts_pod_template_hash']);

/** The kit's declared label names per metric family, for families with no samples in the scrape. */
const declaredLabels = new Map(
  createMetrics('label-probe')
    .registry.getMetricsAsArray()
    .map((m) => [m.name, (m as unknown as { labelNames?: string[] }).labelNames ?? []] as const),
);

let platform: TestPlatform;
const scrapes = new Map<string, Exposition>();
let exported: Set<string>;
let queries: ShippedQuery[];
let records: Set<string>;
let rendered: ReturnType<typeof renderedQueries>;

const metricsUrl = (graphqlUrl: string) => graphqlUrl.replace(/\/graphql$/, '/metrics');

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process' });
  const as = platform.as(`metrics-${randomUUID().slice(0, 8)}`);
  // Traffic through the gateway: mutations (events out and in), queries, and a rejected query.
  for (let i = 0; i < 3; i++) {
    const c = await as(`mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }`, {
      input: { firstName: 'Grace', lastName: `Hopper${i}`, idempotencyKey: `m-${randomUUID()}` },
    });
    expect(c.errors).toBeUndefined();
    const id = c.data.createContact.contact.id;
    const q = await as(`query($id: ID!) { contact(id: $id) { id firstName volunteerProfile { status } } }`, { id }); // volunteers resolves volunteerProfile
    expect(q.errors).toBeUndefined();
    const me = await as(`{ me { userId tenantId } }`); // identity
    expect(me.errors).toBeUndefined();
    const buildings = await as(`{ buildings(first: 1) { edges { node { id } } } }`); // collections
    expect(buildings.errors).toBeUndefined();
    const vendors = await as(`{ vendors(first: 1) { edges { node { id } } } }`); // vendors
    expect(vendors.errors).toBeUndefined();
    const votes = await as(`{ votes(first: 1) { edges { node { id } } } }`); // voting
    expect(votes.errors).toBeUndefined();
    const grants = await as(`{ grantsDashboard { awardConversionRate pipeline { status } } }`); // grants (and its dashboard histogram)
    expect(grants.errors).toBeUndefined();
  }
  // bulk-ops: a common-expense issue over a one-apartment building, run to completion (its SLI
  // series, and the bulk job duration and outcome metrics).
  const bulkTenant = `metrics-bulk-${randomUUID().slice(0, 8)}`;
  const bulkAs = platform.as(bulkTenant);
  const { buildingId } = await givenBulkBuilding(platform, bulkTenant, bulkAs, [1000]);
  const bulkJob = await dryRunBulkJob(bulkAs, buildingId, 1_000);
  const executed = await bulkAs(BULK_EXECUTE, { input: { id: bulkJob.id, previewHash: bulkJob.previewHash, idempotencyKey: `m-${randomUUID()}` } });
  expect(executed.errors).toBeUndefined();
  expect((await bulkFinished(bulkAs, bulkJob.id)).status).toBe('COMPLETED');
  const bad = await as(`query { noSuchField }`);
  expect(bad.errors).toBeDefined();
  // Domain paths: a fundraising dashboard query, and a payment webhook with a forged signature
  // (refused before staging: it is timed and counted as a rejection).
  const dash = await as(`{ fundraisingDashboard { totalsByMonth { month } } }`);
  expect(dash.errors).toBeUndefined();
  const tenant = `metrics-hook-${randomUUID().slice(0, 8)}`;
  const configured = await platform.as(tenant)(`mutation($input: ConfigurePaymentProviderInput!) { configurePaymentProvider(input: $input) { account { provider } } }`, {
    input: { provider: 'STRIPE', webhookSecret: 'whsec_metrics_test', idempotencyKey: `m-${randomUUID()}` },
  });
  expect(configured.errors).toBeUndefined();
  const hook = await fetch(platform.gateway.url.replace(/\/graphql$/, `/webhooks/stripe/${tenant}`), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=forged' },
    body: JSON.stringify({ id: 'evt_forged', type: 'payment_intent.succeeded', data: { object: {} } }),
  });
  expect(hook.status).toBe(400);

  const targets: Record<string, string> = { gateway: metricsUrl(platform.gateway.url) };
  for (const [name, svc] of Object.entries(platform.services)) targets[name] = metricsUrl(svc.url);
  for (const [name, url] of Object.entries(targets)) {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    scrapes.set(name, parseExposition(await res.text()));
  }
  exported = new Set([...scrapes.values()].flatMap((e) => [...seriesNames(e)]));

  rendered = renderedQueries(renderUmbrellaChart());
  const groups = generatedRuleGroups();
  queries = [...ruleQueries('generated rules', groups), ...generatedDashboards().flatMap((d) => dashboardQueries('generated dashboard', d)), ...rendered.queries, ...runbookQueries()];
  records = new Set([...recordNames(groups), ...rendered.records]);
}, 180_000);

afterAll(async () => {
  await platform?.stop();
});

const referencesOf = (q: ShippedQuery): MetricReference[] => (q.kind === 'grafana-variable' ? variableQueryReferences(q.expr) : metricReferences(q.expr));

const planned = new Map(PLANNED_METRIC_LIST.flatMap((m) => plannedSeriesNames(m).map((n) => [n, m] as const)));

type Verdict = 'exported' | 'recording rule' | 'planned' | 'unknown';
const verdict = (name: string): Verdict => (exported.has(name) ? 'exported' : records.has(name) ? 'recording rule' : planned.has(name) ? 'planned' : 'unknown');

/** Labels a selector may match on: what the series carry when scraped, or what the kit declares. */
function allowedLabels(name: string): Set<string> {
  const base = name.replace(/_(bucket|count|sum)$/, '');
  // `service` is the kit's default label on every metric of every service (setDefaultLabels).
  const allowed = new Set([...TARGET_LABELS, 'service']);
  for (const e of scrapes.values()) for (const s of e.samples) if (s.name === name) Object.keys(s.labels).forEach((l) => allowed.add(l));
  (declaredLabels.get(base) ?? declaredLabels.get(name) ?? []).forEach((l) => allowed.add(l));
  if (name.endsWith('_bucket')) allowed.add('le');
  const plan = planned.get(name);
  plan?.labels.forEach((l) => allowed.add(l));
  return allowed;
}

describe('the scrape', () => {
  it('covers the gateway and every subgraph, each with an SLO', () => {
    expect([...scrapes.keys()].sort()).toEqual(SERVICE_SLOS.map((s) => s.service).sort());
  });

  it.each(SERVICE_SLOS.map((s) => [s.service, s] as const))('%s exports the SLI series the rules and the canary analysis select', (service, slo) => {
    const own = scrapes.get(service)!.samples.filter((s) => s.labels.service === service && s.name.startsWith('http_request_duration_seconds_'));
    // The route label of the requests we just sent through the gateway must be the SLI route.
    const routes = [...new Set(own.filter((s) => s.name === 'http_request_duration_seconds_count' && s.value > 0).map((s) => s.labels.route))].sort();
    expect(routes).toContain(SLI_ROUTE);
    const buckets = own.filter((s) => s.name === 'http_request_duration_seconds_bucket' && s.labels.route === SLI_ROUTE).map((s) => s.labels.le);
    expect(buckets).toContain(String(slo.latencyBudgetSeconds));
  });
});

describe('every shipped query', () => {
  it('comes from every source: generated rules and dashboards, the rendered chart, the runbook', () => {
    expect(rendered.counts.rules).toBeGreaterThanOrEqual(1);
    expect(rendered.counts.dashboards).toBeGreaterThanOrEqual(3);
    expect(rendered.counts.analyses).toBeGreaterThanOrEqual(1);
    const origins = new Set(queries.map((q) => q.source.replace(/[: ].*$/, '')));
    expect([...origins].sort()).toEqual(['chart', 'generated', 'runbook']);
    expect(queries.filter((q) => /AnalysisTemplate/.test(q.source)).length).toBeGreaterThanOrEqual(2);
    for (const q of queries) expect({ source: q.source, refs: referencesOf(q).length > 0 }).toEqual({ source: q.source, refs: true });
  });

  it('names only metrics a service exports, recording rules, or planned domain metrics', () => {
    const unknown = queries.flatMap((q) => referencesOf(q).filter((r) => verdict(r.name) === 'unknown').map((r) => `${r.name}  (${q.source}: ${q.expr})`));
    expect(unknown).toEqual([]);
  });

  it('matches only on labels those metrics carry (or Prometheus target labels)', () => {
    const wrong = queries.flatMap((q) =>
      referencesOf(q)
        .filter((r) => verdict(r.name) !== 'recording rule')
        .flatMap((r) => r.labels.filter((l) => !allowedLabels(r.name).has(l)).map((l) => `${r.name}{${l}} (${q.source})`)),
    );
    expect(wrong).toEqual([]);
  });

  it('selects recording rules only by the labels they record (service, slo)', () => {
    const wrong = queries.flatMap((q) =>
      referencesOf(q)
        .filter((r) => verdict(r.name) === 'recording rule')
        .flatMap((r) => r.labels.filter((l) => !['service', 'slo'].includes(l)).map((l) => `${r.name}{${l}} (${q.source})`)),
    );
    expect(wrong).toEqual([]);
  });

  it('would catch a misspelt metric (the check is not vacuous)', () => {
    const typo = metricReferences('sum(rate(http_request_duration_second_count{route="/graphql"}[5m])) / sum(rate(sli:request_error:ratio_rate5m[5m]))');
    expect(typo.map((r) => [r.name, verdict(r.name)])).toEqual([
      ['http_request_duration_second_count', 'unknown'],
      ['sli:request_error:ratio_rate5m', 'unknown'],
    ]);
  });
});

describe('planned domain metrics', () => {
  it('are each still unexported (remove one from planned-metrics.ts once its service exports it)', () => {
    const nowExported = PLANNED_METRIC_LIST.filter((m) => plannedSeriesNames(m).some((n) => exported.has(n))).map((m) => `${m.name} (${m.addedBy.item})`);
    expect(nowExported).toEqual([]);
  });

  it('are each tied to the work that adds them and drawn by a dashboard', () => {
    const used = new Set(queries.flatMap((q) => referencesOf(q).map((r) => r.name)));
    for (const m of PLANNED_METRIC_LIST) {
      expect({ name: m.name, item: m.addedBy.item.length > 10, drawn: plannedSeriesNames(m).some((n) => used.has(n)) }).toEqual({ name: m.name, item: true, drawn: true });
    }
  });

  it('appear only on the domain dashboard, never in rules, alerts or the canary analysis', () => {
    const outsideDomain = queries.filter((q) => !/commonhold-domain/.test(q.source) && referencesOf(q).some((r) => verdict(r.name) === 'planned')).map((q) => q.source);
    expect(outsideDomain).toEqual([]);
  });
});
