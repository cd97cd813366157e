// The dashboard's monthly pre-aggregates (gift_month_totals, gift_month_fund_totals), kept by
// triggers on gifts and allocations, always equal a direct computation from gifts — after gifts
// of every kind through recordGift (one, two or no fund allocations), partial and full refunds, an
// import (gifts and allocations in one statement) and a merge — and the dashboard over a range
// with partial months at both ends equals the per-gift answer.
import { randomUUID } from 'node:crypto';
import { withTenant } from '@commonhold/kit';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { startImport } from '../import/support';
import { GBP, idempotencyKey as key } from '../support';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process' });
}, 120_000);
afterAll(async () => {
  await platform?.stop();
});

const rows = (tenant: string, sql: string, params: unknown[] = []) =>
  withTenant(platform.services.fundraising!.runtime.ds, tenant, (m) => m.query(sql, params)) as Promise<Record<string, any>[]>;

const NIL = '00000000-0000-0000-0000-000000000000';
const COUNTED = `kind <> 'PLEDGE' AND refunded_minor < amount_minor`;

/** The aggregates as stored, and as computed from gifts now (rows with nothing left dropped). */
async function compare(tenant: string) {
  const stored = await rows(
    tenant,
    `SELECT currency, to_char(month, 'YYYY-MM') AS month, campaign_id, appeal_id, net_minor::bigint::text AS net, gift_count, unallocated_count
     FROM gift_month_totals WHERE gift_count <> 0 OR net_minor <> 0 OR unallocated_count <> 0 ORDER BY 1, 2, 3, 4`,
  );
  const direct = await rows(
    tenant,
    `SELECT currency, to_char(date_trunc('month', received_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, coalesce(campaign_id, '${NIL}') AS campaign_id,
            coalesce(appeal_id, '${NIL}') AS appeal_id, sum(amount_minor - refunded_minor)::bigint::text AS net, count(*)::int AS gift_count,
            count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM gift_allocations a WHERE a.gift_id = g.id))::int AS unallocated_count
     FROM gifts g WHERE ${COUNTED} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
  );
  const storedFunds = await rows(
    tenant,
    `SELECT currency, to_char(month, 'YYYY-MM') AS month, fund_id, net_minor::bigint::text AS net, allocation_count
     FROM gift_month_fund_totals WHERE allocation_count <> 0 OR net_minor <> 0 ORDER BY 1, 2, 3`,
  );
  const directFunds = await rows(
    tenant,
    `SELECT g.currency, to_char(date_trunc('month', g.received_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, a.fund_id,
            sum(a.amount_minor * (g.amount_minor - g.refunded_minor) / g.amount_minor)::bigint::text AS net, count(*)::int AS allocation_count
     FROM gifts g JOIN gift_allocations a ON a.gift_id = g.id WHERE g.kind <> 'PLEDGE' AND g.refunded_minor < g.amount_minor GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  return { stored, direct, storedFunds, directFunds };
}

it('equal a direct computation after every kind of write, and the dashboard over partial months equals the per-gift answer', async () => {
  const tenant = `agg-${randomUUID().slice(0, 8)}`;
  const as = platform.as(tenant);
  const ok = async (query: string, variables: Record<string, unknown>) => {
    const r = await as(query, variables);
    expect(r.errors).toBeUndefined();
    return r.data;
  };
  const contacts: string[] = [];
  for (let i = 0; i < 4; i++) {
    contacts.push((await ok(`mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }`, { input: { firstName: 'Agg', lastName: `Donor${i}`, idempotencyKey: key() } })).createContact.contact.id);
  }
  const fund = async (code: string) => (await ok(`mutation($input: CreateFundInput!) { createFund(input: $input) { fund { id } } }`, { input: { code, name: code, idempotencyKey: key() } })).createFund.fund.id as string;
  const [general, building] = [await fund('GENERAL'), await fund('BUILDING')];
  const campaignId = (await ok(`mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } } }`, { input: { code: 'SPRING', name: 'Spring', idempotencyKey: key() } })).createCampaign.campaign.id;

  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const gifts: { id: string; amount: number }[] = [];
  for (let i = 0; i < 40; i++) {
    const amount = 500 + Math.floor(rnd() * 9000);
    const split = Math.floor(rnd() * 3); // no allocation, one fund, two funds
    const allocations = split === 0 ? undefined : split === 1 ? [{ fundId: general, amountMinor: amount }] : [{ fundId: general, amountMinor: amount - 300 }, { fundId: building, amountMinor: 300 }];
    const day = new Date(Date.UTC(2026, 0, 1) + Math.floor(rnd() * 200) * 86_400_000 + 13 * 3_600_000).toISOString();
    const kind = rnd() < 0.1 ? 'PLEDGE' : 'ONE_OFF';
    const g = await ok(`mutation($input: RecordGiftInput!) { recordGift(input: $input) { gift { id } } }`, {
      input: { contactId: contacts[i % 4], amount: GBP(amount), receivedAt: day, kind, campaignId: rnd() < 0.5 ? campaignId : null, allocations, idempotencyKey: key() },
    });
    if (kind !== 'PLEDGE') gifts.push({ id: g.recordGift.gift.id, amount });
  }
  for (const g of gifts.filter(() => rnd() < 0.3)) {
    await ok(`mutation($input: RefundGiftInput!) { refundGift(input: $input) { refund { id } } }`, {
      input: { giftId: g.id, ...(rnd() < 0.5 ? {} : { amount: GBP(1 + Math.floor(rnd() * (g.amount - 1))) }), idempotencyKey: key() },
    });
  }
  const csv = `external_id,first_name,last_name,amount,received_at,fund_code,campaign_code\nA-1,Imp,One,12.34,2026-03-05,GENERAL,SPRING\nA-2,Imp,Two,56.78,2026-03-31,,\nA-3,Imp,One,9.99,2026-04-01,BUILDING,SPRING\n`;
  expect(await startImport(as, csv, { dryRun: false })).toMatchObject({ importedGifts: 3 });
  await ok(`mutation($input: MergeContactsInput!) { mergeContacts(input: $input) { survivor { id } } }`, { input: { survivorId: contacts[0], duplicateId: contacts[1], idempotencyKey: key() } });

  const c = await compare(tenant);
  expect(c.direct.length).toBeGreaterThan(5);
  expect(c.directFunds.length).toBeGreaterThan(3);
  expect(c.stored).toEqual(c.direct);
  expect(c.storedFunds).toEqual(c.directFunds);

  // A range with partial months at both ends: whole months from the aggregates, edges from gifts.
  const d = (await ok(`query($input: FundraisingDashboardInput) { fundraisingDashboard(input: $input) {
      totalsByMonth { month total { amountMinor } giftCount } totalsByFund { code total { amountMinor } giftCount } totalsByCampaign { code total { amountMinor } giftCount } } }`, {
    input: { from: '2026-02-10', to: '2026-05-20', currency: 'GBP' },
  })).fundraisingDashboard;
  const inRange = await rows(
    tenant,
    `SELECT to_char(date_trunc('month', received_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, sum(amount_minor - refunded_minor)::int AS total, count(*)::int AS n
     FROM gifts WHERE ${COUNTED} AND currency = 'GBP' AND received_at >= '2026-02-10' AND received_at < '2026-05-21' GROUP BY 1 ORDER BY 1`,
  );
  expect(d.totalsByMonth).toEqual(['2026-02', '2026-03', '2026-04', '2026-05'].map((month) => {
    const r = inRange.find((x) => x.month === month);
    return { month, total: { amountMinor: r?.total ?? 0 }, giftCount: r?.n ?? 0 };
  }));
  const fundDirect = await rows(
    tenant,
    `SELECT f.code, sum(a.amount_minor * (g.amount_minor - g.refunded_minor) / g.amount_minor)::int AS total, count(*)::int AS n
     FROM gifts g JOIN gift_allocations a ON a.gift_id = g.id JOIN funds f ON f.id = a.fund_id
     WHERE g.kind <> 'PLEDGE' AND g.refunded_minor < g.amount_minor AND g.currency = 'GBP' AND g.received_at >= '2026-02-10' AND g.received_at < '2026-05-21' GROUP BY 1`,
  );
  for (const f of fundDirect) expect(d.totalsByFund.find((x: any) => x.code === f.code)).toEqual({ code: f.code, total: { amountMinor: f.total }, giftCount: f.n });
  const total = inRange.reduce((s, r) => s + r.total, 0);
  expect(d.totalsByFund.reduce((s: number, x: any) => s + x.total.amountMinor, 0)).toBe(total);
  expect(d.totalsByCampaign.reduce((s: number, x: any) => s + x.total.amountMinor, 0)).toBe(total);
});
