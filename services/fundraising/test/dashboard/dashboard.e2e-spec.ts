// The fundraising dashboard end to end through the gateway: every figure checked against totals
// computed independently from a generated 3,000-gift import; pledges and refunds; the tenant's
// fiscal year; tenant isolation; bad input; the duration metric.
import { randomUUID } from 'node:crypto';
import { withTenant } from '@commonhold/kit';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { expectedDashboard, generateDataset, type Dataset } from '../import/dataset';
import { key, startImport, tenantName } from '../import/support';

let platform: TestPlatform;
let data: Dataset;
const A = tenantName('dash-a');
const B = tenantName('dash-b');
let a: ReturnType<TestPlatform['as']>;
let b: ReturnType<TestPlatform['as']>;

const DASHBOARD = `query($input: FundraisingDashboardInput, $limit: Int) {
  fundraisingDashboard(input: $input) {
    from to currency
    totalsByMonth { month total { amountMinor currency } giftCount }
    totalsByFund { id code name total { amountMinor currency } giftCount }
    totalsByCampaign { id code name total { amountMinor } giftCount }
    totalsByAppeal { id code name total { amountMinor } giftCount }
    thisYearVsLast { fiscalYear thisYear { amountMinor } lastYearToDate { amountMinor } lastYear { amountMinor } changePercent }
    donorRetention { fiscalYear lastYearDonors thisYearDonors retainedDonors retentionRate }
    topDonors(limit: $limit) { contact { id lastName } total { amountMinor currency } giftCount }
  }
}`;
const RANGE = { from: '2023-04-01', to: '2026-10-31', currency: 'GBP' };

type Bucket = { id: string | null; code: string | null; name: string; total: { amountMinor: number }; giftCount: number };
const byCode = (bs: Bucket[]) => Object.fromEntries(bs.map((x) => [x.code ?? '(none)', { total: x.total.amountMinor, giftCount: x.giftCount }]));
const expectedByCode = (m: Map<string | null, { total: number; giftCount: number }>) => Object.fromEntries([...m].map(([k, v]) => [k ?? '(none)', v]));

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process' });
  a = platform.as(A);
  b = platform.as(B);
  data = generateDataset({ rows: 3000, seed: 9, prefix: 'DASH' });
  const job = await startImport(a, data.csv, { dryRun: false });
  expect(job).toMatchObject({ status: 'COMPLETED', importedGifts: 3000 });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

describe('fundraisingDashboard', () => {
  it('matches totals computed independently from the imported rows', async () => {
    const r = await a(DASHBOARD, { input: RANGE, limit: 5 });
    expect(r.errors).toBeUndefined();
    const d = r.data.fundraisingDashboard;
    const e = expectedDashboard(data.gifts, RANGE);
    expect(d).toMatchObject({ from: RANGE.from, to: RANGE.to, currency: 'GBP' });

    // Every month of the range, in order, zero months included.
    expect(d.totalsByMonth).toHaveLength(43);
    expect(d.totalsByMonth[0].month).toBe('2023-04');
    expect(d.totalsByMonth.at(-1).month).toBe('2026-10');
    for (const m of d.totalsByMonth) {
      const x = e.byMonth.get(m.month) ?? { total: 0, giftCount: 0 };
      expect([m.month, m.total.amountMinor, m.giftCount]).toEqual([m.month, x.total, x.giftCount]);
      expect(m.total.currency).toBe('GBP');
    }

    expect(byCode(d.totalsByCampaign)).toEqual(expectedByCode(e.byCampaign));
    expect(byCode(d.totalsByAppeal)).toEqual(expectedByCode(e.byAppeal));
    expect(byCode(d.totalsByFund)).toEqual(expectedByCode(e.byFund));
    expect(d.totalsByCampaign.find((x: Bucket) => x.code === null)).toMatchObject({ id: null, name: 'No campaign' });
    expect(d.totalsByFund.find((x: Bucket) => x.code === null)).toMatchObject({ id: null, name: 'Unallocated' });
    // Largest first.
    const totals = d.totalsByCampaign.map((x: Bucket) => x.total.amountMinor);
    expect(totals).toEqual([...totals].sort((p: number, q: number) => q - p));
    // Every breakdown adds up to the same total.
    const sum = (xs: { total: { amountMinor: number } }[]) => xs.reduce((s, x) => s + x.total.amountMinor, 0);
    for (const xs of [d.totalsByMonth, d.totalsByFund, d.totalsByCampaign, d.totalsByAppeal]) expect(sum(xs)).toBe(e.total);

    expect(d.thisYearVsLast).toEqual({
      fiscalYear: 2026,
      thisYear: { amountMinor: e.thisYear },
      lastYearToDate: { amountMinor: e.lastYearToDate },
      lastYear: { amountMinor: e.lastYear },
      changePercent: Math.round(((e.thisYear - e.lastYearToDate) / e.lastYearToDate) * 1000) / 10,
    });
    expect(d.donorRetention).toEqual({
      fiscalYear: 2026,
      ...e.retention,
      retentionRate: Math.round((e.retention.retainedDonors / e.retention.lastYearDonors) * 10_000) / 10_000,
    });

    // Top donors: totals in order, each the right person.
    expect(d.topDonors.map((t: { total: { amountMinor: number } }) => t.total.amountMinor)).toEqual(e.top.slice(0, 5).map((t) => t.total));
    for (const [i, t] of d.topDonors.entries()) {
      const donors = e.top.filter((x) => x.total === t.total.amountMinor).map((x) => data.donors[x.donor]!);
      expect(donors.map((x) => x.lastName)).toContain(t.contact.lastName);
      expect(t.giftCount).toBe(e.top.find((x) => x.total === t.total.amountMinor && data.donors[x.donor]!.lastName === t.contact.lastName)!.giftCount);
      expect(i).toBeLessThan(5);
    }
  });

  it('narrows to from..to and to another currency', async () => {
    const input = { from: '2025-01-15', to: '2025-03-10', currency: 'EUR' };
    const d = (await a(DASHBOARD, { input })).data.fundraisingDashboard;
    const e = expectedDashboard(data.gifts, input);
    expect(d.totalsByMonth.map((m: { month: string }) => m.month)).toEqual(['2025-01', '2025-02', '2025-03']);
    expect(d.totalsByMonth.reduce((s: number, m: { total: { amountMinor: number } }) => s + m.total.amountMinor, 0)).toBe(e.total);
    expect(d.totalsByMonth[0].total.currency).toBe('EUR');
    expect(d.topDonors[0]?.total.amountMinor ?? 0).toBe(e.top[0]?.total ?? 0);
    // FY 2024 (April start) contains 2025-03-10.
    expect(d.thisYearVsLast).toMatchObject({ fiscalYear: 2024, thisYear: { amountMinor: e.thisYear }, lastYearToDate: { amountMinor: e.lastYearToDate } });
  });

  it('defaults to the current fiscal year to date in the tenant currency', async () => {
    const d = (await a(`{ fundraisingDashboard { from to currency thisYearVsLast { fiscalYear } } }`)).data.fundraisingDashboard;
    const today = new Date().toISOString().slice(0, 10);
    const fy = Number(today.slice(5, 7)) >= 4 ? Number(today.slice(0, 4)) : Number(today.slice(0, 4)) - 1;
    expect(d).toEqual({ from: `${fy}-04-01`, to: today, currency: 'GBP', thisYearVsLast: { fiscalYear: fy } });
  });

  it('excludes pledges and fully refunded gifts, and counts refunds off the net (fund shares pro rata)', async () => {
    const T = tenantName('dash-net');
    const t = platform.as(T);
    const csv = `external_id,first_name,last_name,amount,received_at,fund_code,campaign_code\nN-1,Ann,Net,10.00,2026-05-01,GENERAL,SPRING\nN-2,Ann,Net,20.00,2026-05-02,GENERAL,SPRING\nN-3,Ann,Net,30.00,2026-05-03,,SPRING\n`;
    expect(await startImport(t, csv)).toMatchObject({ importedGifts: 3 });
    await withTenant(platform.services.fundraising!.runtime.ds, T, async (m) => {
      await m.query(`UPDATE gifts SET refunded_minor = 250 WHERE external_ref = 'N-1'`);
      await m.query(`UPDATE gifts SET refunded_minor = amount_minor WHERE external_ref = 'N-2'`);
      await m.query(
        `INSERT INTO gifts (id, tenant_id, contact_id, amount_minor, currency, received_at, kind) SELECT $1, $2, contact_id, 99900, 'GBP', '2026-05-04', 'PLEDGE' FROM gifts WHERE external_ref = 'N-1'`,
        [randomUUID(), T],
      );
    });
    const d = (await t(DASHBOARD, { input: { from: '2026-05-01', to: '2026-05-31' } })).data.fundraisingDashboard;
    expect(d.totalsByMonth).toEqual([{ month: '2026-05', total: { amountMinor: 750 + 3000, currency: 'GBP' }, giftCount: 2 }]);
    expect(byCode(d.totalsByFund)).toEqual({ GENERAL: { total: 750, giftCount: 1 }, '(none)': { total: 3000, giftCount: 1 } });
    expect(byCode(d.totalsByCampaign)).toEqual({ SPRING: { total: 3750, giftCount: 2 } });
    expect(d.topDonors).toEqual([{ contact: { id: expect.any(String), lastName: 'Net' }, total: { amountMinor: 3750, currency: 'GBP' }, giftCount: 2 }]);
  });

  it('follows the tenant’s fiscal year start', async () => {
    const T = tenantName('dash-fy');
    const t = platform.as(T);
    expect(await startImport(t, toCsvRows(data, 400))).toMatchObject({ importedGifts: 400 });
    const s = await t(`mutation($input: UpdateFundraisingSettingsInput!) { updateFundraisingSettings(input: $input) { settings { fiscalYearStartMonth } } }`, {
      input: { fiscalYearStartMonth: 1, idempotencyKey: key() },
    });
    expect(s.errors).toBeUndefined();
    const d = (await t(DASHBOARD, { input: RANGE })).data.fundraisingDashboard;
    const e = expectedDashboard(data.gifts.slice(0, 400), { ...RANGE, fiscalStartMonth: 1 });
    expect(d.thisYearVsLast).toMatchObject({ fiscalYear: 2026, thisYear: { amountMinor: e.thisYear }, lastYearToDate: { amountMinor: e.lastYearToDate }, lastYear: { amountMinor: e.lastYear } });
    expect(d.donorRetention).toMatchObject({ fiscalYear: 2026, ...e.retention });
  });
});

function toCsvRows(ds: Dataset, n: number) {
  return ds.csv.split('\n').slice(0, n + 1).join('\n');
}

describe('tenant isolation', () => {
  it('B’s dashboard holds none of A’s gifts or donors', async () => {
    const d = (await b(DASHBOARD, { input: RANGE })).data.fundraisingDashboard;
    expect(d.totalsByMonth.every((m: { total: { amountMinor: number }; giftCount: number }) => m.total.amountMinor === 0 && m.giftCount === 0)).toBe(true);
    expect(d.totalsByFund).toEqual([]);
    expect(d.totalsByCampaign).toEqual([]);
    expect(d.topDonors).toEqual([]);
    expect(d.thisYearVsLast).toMatchObject({ thisYear: { amountMinor: 0 }, lastYear: { amountMinor: 0 }, changePercent: null });
    expect(d.donorRetention).toMatchObject({ lastYearDonors: 0, thisYearDonors: 0, retainedDonors: 0, retentionRate: null });

    // Once B has gifts of its own, it sees exactly those.
    expect(await startImport(b, `external_id,first_name,last_name,amount,received_at\nB-1,Bea,Bravo,12.34,2026-06-01\n`)).toMatchObject({ importedGifts: 1 });
    const after = (await b(DASHBOARD, { input: RANGE })).data.fundraisingDashboard;
    expect(after.totalsByMonth.filter((m: { giftCount: number }) => m.giftCount > 0)).toEqual([{ month: '2026-06', total: { amountMinor: 1234, currency: 'GBP' }, giftCount: 1 }]);
    expect(after.topDonors).toEqual([{ contact: { id: expect.any(String), lastName: 'Bravo' }, total: { amountMinor: 1234, currency: 'GBP' }, giftCount: 1 }]);
    expect(after.donorRetention).toMatchObject({ thisYearDonors: 1, lastYearDonors: 0 });
  });
});

describe('bad input', () => {
  it.each<[string, Record<string, unknown>, number | undefined, string]>([
    ['from after to', { from: '2026-02-01', to: '2026-01-31' }, undefined, 'input.from'],
    ['more than 10 years', { from: '2010-01-01', to: '2026-01-31' }, undefined, 'input.from'],
    ['unknown currency', { currency: 'XXQ' }, undefined, 'input.currency'],
    ['lower-case currency', { currency: 'gbp' }, undefined, 'input.currency'],
    ['not a date', { from: '2026-13-01' }, undefined, 'input.from'],
    ['topDonors limit 0', {}, 0, 'limit'],
    ['topDonors limit 101', {}, 101, 'limit'],
  ])('%s → BAD_USER_INPUT on %s', async (_, input, limit, field) => {
    const r = await a(DASHBOARD, { input, limit });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('metrics', () => {
  it('exports fundraising_dashboard_duration_seconds per query', async () => {
    await a(DASHBOARD, { input: RANGE, limit: 3 });
    const text = await (await fetch(platform.services.fundraising!.url.replace(/\/graphql$/, '/metrics'))).text();
    for (const q of ['totals', 'totals_by_fund', 'this_year_vs_last', 'donor_retention']) {
      expect(text).toMatch(new RegExp(`fundraising_dashboard_duration_seconds_count\\{[^}]*query="${q}"[^}]*\\} [1-9]`));
    }
  });
});
