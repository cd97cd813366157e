/**
 * `npm run bench -- dashboard`: the fundraising dashboard query on the 50k-gift dataset, through
 * the gateway (the embedded platform, startTestPlatform in-process, as the gateway bench's
 * `in-process` topology), p50/p95/max against the target p95 < 100 ms.
 *
 *  1. Generates the import bench's dataset (--rows 50,000 gifts, --donors 15,000 donors; dated
 *     2023-04-01..2026-10-31) and COPYs it (contacts, gifts, campaigns/appeals/funds,
 *     allocations) into one tenant of the platform's fundraising database, then VACUUM ANALYZE
 *     (the steady state autovacuum reaches).
 *  2. Checks the answer once against totals computed from the generated rows.
 *  3. --warmup requests (default 20), then --requests (default 200) one after another, each the
 *     whole dashboard (every field, topDonors(limit: 10) with the contacts' names) over the whole
 *     dataset's range (the worst case: every gift is in range), or with --range fy over the
 *     fiscal year to date (what the dashboard shows by default).
 * Also prints the server-side mean per dashboard field from fundraising_dashboard_duration_seconds.
 */
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { bearer, gql } from '@commonhold/testing';
import { startTestPlatform } from '@commonhold/testing/src/platform';
import { expectedDashboard, generateDataset } from '../services/fundraising/test/import/dataset';
import { copyDataset } from './fundraising/dataset-copy';
import { provisionInfra, log } from './src/infra';
import { machine } from './src/machine';
import { numArg, percentile, round, strArg } from './src/stats';

const TENANT = 'bench-dashboard';
export const DASHBOARD_QUERY = `query Dashboard($input: FundraisingDashboardInput) {
  fundraisingDashboard(input: $input) {
    from to currency
    totalsByMonth { month total { amountMinor currency } giftCount }
    totalsByFund { id code name total { amountMinor } giftCount }
    totalsByCampaign { id code name total { amountMinor } giftCount }
    totalsByAppeal { id code name total { amountMinor } giftCount }
    thisYearVsLast { fiscalYear thisYear { amountMinor } lastYearToDate { amountMinor } lastYear { amountMinor } changePercent }
    donorRetention { fiscalYear lastYearDonors thisYearDonors retainedDonors retentionRate }
    topDonors(limit: 10) { contact { id lastName } total { amountMinor } giftCount }
  }
}`;

export async function dashboardBench(argv: string[]): Promise<Record<string, unknown>> {
  const rows = numArg(argv, 'rows', 50_000);
  const donors = numArg(argv, 'donors', 15_000);
  const warmup = numArg(argv, 'warmup', 20);
  const requests = numArg(argv, 'requests', 200);
  const host = await machine(argv);
  const infra = await provisionInfra();
  const platform = await startTestPlatform({ transport: 'in-process' });
  try {
    const data = generateDataset({ rows, donors, seed: 2026, prefix: 'B' });
    const ownerUrl = new URL(infra.pgAdminUrl);
    ownerUrl.pathname = `/${platform.prefix}fundraising`;
    const copied = await copyDataset(ownerUrl.toString(), TENANT, data, { references: true });
    const owner = new Client({ connectionString: ownerUrl.toString() });
    await owner.connect();
    await owner.query('VACUUM ANALYZE gifts, gift_allocations, contacts, campaigns, appeals, funds');
    await owner.end();
    log(`loaded ${copied.gifts} gifts of ${copied.contacts} donors in ${round(copied.seconds)} s`);

    // --range all (default): the whole dataset's range, every gift in range (the worst case);
    // --range fy: the dashboard's default range, the fiscal year to date of 2026-10-31.
    const range = strArg(argv, 'range', 'all');
    const input = range === 'fy' ? { from: '2026-04-01', to: '2026-10-31', currency: 'GBP' } : { from: '2023-04-01', to: '2026-10-31', currency: 'GBP' };
    const headers = bearer(await platform.token(TENANT));
    const ask = () => gql(platform.gateway.url, DASHBOARD_QUERY, { input }, headers);

    // The answer, once, against the generated rows.
    const first = await ask();
    if (first.errors) throw new Error(`dashboard failed: ${JSON.stringify(first.errors)}`);
    const d = first.data.fundraisingDashboard;
    const e = expectedDashboard(data.gifts, input);
    const total = d.totalsByMonth.reduce((s: number, m: { total: { amountMinor: number } }) => s + m.total.amountMinor, 0);
    const checks = {
      totalMatches: total === e.total,
      campaignsMatch: d.totalsByCampaign.every((b: { code: string | null; total: { amountMinor: number } }) => e.byCampaign.get(b.code)?.total === b.total.amountMinor),
      thisYearMatches: d.thisYearVsLast.thisYear.amountMinor === e.thisYear,
      retentionMatches: d.donorRetention.retainedDonors === e.retention.retainedDonors,
      topDonorMatches: d.topDonors[0].total.amountMinor === e.top[0]!.total,
    };
    if (!Object.values(checks).every(Boolean)) log(`WARNING: dashboard differs from the generated data: ${JSON.stringify(checks)}`);

    for (let i = 0; i < warmup; i++) await ask();
    const metricsUrl = platform.services.fundraising!.url.replace(/\/graphql$/, '/metrics');
    const before = parseHistogram(await (await fetch(metricsUrl)).text());
    const ms: number[] = [];
    let errors = 0;
    for (let i = 0; i < requests; i++) {
      const t = performance.now();
      const r = await ask();
      ms.push(performance.now() - t);
      if (r.errors) errors++;
    }
    const after = parseHistogram(await (await fetch(metricsUrl)).text());
    const perField = Object.fromEntries(
      Object.entries(after).map(([q, a]) => {
        const b = before[q] ?? { sum: 0, count: 0 };
        return [q, round(((a.sum - b.sum) / Math.max(1, a.count - b.count)) * 1000)];
      }),
    );
    const p95 = percentile(ms, 95);
    return {
      bench: 'dashboard',
      host,
      dataset: { gifts: copied.gifts, donors: copied.contacts, range: `${input.from}..${input.to}`, giftsInRange: e.giftCount },
      requests,
      errors,
      latencyMs: { p50: round(percentile(ms, 50)), p95: round(p95), p99: round(percentile(ms, 99)), max: round(Math.max(...ms)) },
      serverMeanMsPerField: perField,
      target: 'p95 < 100 ms',
      meetsTarget: p95 < 100,
      checks,
    };
  } finally {
    await platform.stop();
    await infra.cleanup();
  }
}

/** Sum and count per `query` label of fundraising_dashboard_duration_seconds. */
function parseHistogram(text: string): Record<string, { sum: number; count: number }> {
  const out: Record<string, { sum: number; count: number }> = {};
  for (const line of text.split('\n')) {
    const m = /^fundraising_dashboard_duration_seconds_(sum|count)\{([^}]*)\} ([0-9.e+-]+)$/.exec(line);
    if (!m) continue;
    const q = /query="([^"]+)"/.exec(m[2]!)?.[1] ?? '?';
    const e = (out[q] ??= { sum: 0, count: 0 });
    e[m[1] as 'sum' | 'count'] = Number(m[3]);
  }
  return out;
}
