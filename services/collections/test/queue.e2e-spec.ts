// The collections queue and the office dashboard reads through the gateway on real PostgreSQL:
// who is in arrears, in which bucket and status, filtered and keyset-paged; tenants and scope.
import { randomUUID } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { tenantRows } from '@commonhold/testing/src/support';
import { errorOf, givenBuilding, key, ok, type Caller } from './support/collections';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['collections'] });
}, 120_000);
afterAll(async () => platform?.stop());

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const gbp = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });
const charge = (call: Caller, apartmentId: string, amountMinor: number, daysAgo: number) =>
  call<any>(`mutation($input: PostChargeInput!) { postCharge(input: $input) { entry { id } } }`, {
    input: { apartmentId, type: 'COMMON_EXPENSE', amount: gbp(amountMinor), bookedOn: day(-daysAgo), dueOn: day(-daysAgo), idempotencyKey: key() },
  });
const pay = (call: Caller, apartmentId: string, amountMinor: number) =>
  call<any>(`mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { entry { id } } }`, { input: { apartmentId, amount: gbp(amountMinor), bookedOn: day(0), idempotencyKey: key() } });
const promise = (call: Caller, apartmentId: string, amountMinor: number) =>
  call<any>(`mutation($input: MakePromiseToPayInput!) { makePromiseToPay(input: $input) { promise { id } } }`, {
    input: { apartmentId, instalments: [{ dueOn: day(5), amount: gbp(amountMinor) }], idempotencyKey: key() },
  });
const QUEUE = `query($filter: CollectionsQueueFilter, $first: Int, $after: String) { collectionsQueue(filter: $filter, first: $first, after: $after) {
  edges { node { apartment { id } building { id } balance { amountMinor } overdue { amountMinor } bucket oldestDaysPastDue status promiseId } } pageInfo { hasNextPage endCursor } } }`;
const queue = async (call: Caller, filter: Record<string, unknown> = {}, first = 20, after?: string) => ok(await call<any>(QUEUE, { filter, first, after })).collectionsQueue;
const apartmentsOf = (conn: any) => conn.edges.map((e: any) => e.node.apartment.id);

/** A: a1 40 days late, a2 10 days late with an active promise, a3 95 days late with a broken one, a4 paid; B: b1 70 days late. */
async function given() {
  const tenant = `queue-${randomUUID()}`;
  const office = platform.as(tenant);
  const A = await givenBuilding(office, 4);
  const B = await givenBuilding(office, 1);
  const [a1, a2, a3, a4] = A.apartments.map((a) => a.id) as [string, string, string, string];
  const b1 = B.apartments[0]!.id;
  ok(await charge(office, a1, 10_000, 40));
  ok(await charge(office, a2, 20_000, 10));
  ok(await charge(office, a3, 30_000, 95));
  ok(await charge(office, a4, 5_000, 50));
  ok(await pay(office, a4, 5_000));
  ok(await charge(office, b1, 40_000, 70));
  const active = ok(await promise(office, a2, 20_000)).makePromiseToPay.promise.id;
  const broken = ok(await promise(office, a3, 30_000)).makePromiseToPay.promise.id;
  await tenantRows(platform, 'collections', tenant, `UPDATE promises_to_pay SET instalments = jsonb_set(instalments, '{0,dueOn}', to_jsonb($2::text)) WHERE id = $1`, [broken, day(-1)]);
  ok(await office(`mutation($input: EvaluatePromisesToPayInput!) { evaluatePromisesToPay(input: $input) { broken } }`, { input: { idempotencyKey: key() } }));
  return { tenant, office, A: A.building.id as string, B: B.building.id as string, a1, a2, a3, a4, b1, active, broken };
}

describe('collections queue', () => {
  it('lists apartments in arrears, most days past due first, with bucket, status and promise', async () => {
    const g = await given();
    const q = await queue(g.office);
    expect(q.edges.map((e: any) => e.node)).toEqual([
      { apartment: { id: g.a3 }, building: { id: g.A }, balance: { amountMinor: 30_000 }, overdue: { amountMinor: 30_000 }, bucket: 'D90_PLUS', oldestDaysPastDue: 95, status: 'PROMISE_BROKEN', promiseId: g.broken },
      { apartment: { id: g.b1 }, building: { id: g.B }, balance: { amountMinor: 40_000 }, overdue: { amountMinor: 40_000 }, bucket: 'D61_90', oldestDaysPastDue: 70, status: 'OVERDUE', promiseId: null },
      { apartment: { id: g.a1 }, building: { id: g.A }, balance: { amountMinor: 10_000 }, overdue: { amountMinor: 10_000 }, bucket: 'D31_60', oldestDaysPastDue: 40, status: 'OVERDUE', promiseId: null },
      { apartment: { id: g.a2 }, building: { id: g.A }, balance: { amountMinor: 20_000 }, overdue: { amountMinor: 20_000 }, bucket: 'D0_30', oldestDaysPastDue: 10, status: 'PROMISE_ACTIVE', promiseId: g.active },
    ]);
  });

  it('pages by keyset and filters by bucket, status and building', async () => {
    const g = await given();
    const p1 = await queue(g.office, {}, 2);
    expect({ ids: apartmentsOf(p1), more: p1.pageInfo.hasNextPage }).toEqual({ ids: [g.a3, g.b1], more: true });
    const p2 = await queue(g.office, {}, 2, p1.pageInfo.endCursor);
    expect({ ids: apartmentsOf(p2), more: p2.pageInfo.hasNextPage }).toEqual({ ids: [g.a1, g.a2], more: false });
    expect(apartmentsOf(await queue(g.office, { bucket: 'D31_60' }))).toEqual([g.a1]);
    expect(apartmentsOf(await queue(g.office, { status: 'PROMISE_ACTIVE' }))).toEqual([g.a2]);
    expect(apartmentsOf(await queue(g.office, { status: 'PROMISE_BROKEN' }))).toEqual([g.a3]);
    expect(apartmentsOf(await queue(g.office, { status: 'OVERDUE' }))).toEqual([g.b1, g.a1]);
    expect(apartmentsOf(await queue(g.office, { buildingId: g.A }))).toEqual([g.a3, g.a1, g.a2]);
    expect(apartmentsOf(await queue(g.office, { buildingId: g.A, bucket: 'D61_90' }))).toEqual([]);
    expect(errorOf(await g.office(QUEUE, { filter: { bucket: 'NOT_DUE' } })).code).toBe('BAD_USER_INPUT');
    expect(errorOf(await g.office(QUEUE, { after: 'forged' })).code).toBe('BAD_USER_INPUT');
  });

  it('shows another tenant nothing, and a building-scoped manager only its building', async () => {
    const g = await given();
    expect((await queue(platform.as(`other-${randomUUID()}`))).edges).toEqual([]);
    const mgr = platform.as(g.tenant, { roles: ['building_manager'], scope: [`building:${g.B}`] });
    expect(apartmentsOf(await queue(mgr))).toEqual([g.b1]);
    const owner = platform.as(g.tenant, { roles: ['owner'], scope: [`apartment:${g.a1}`] });
    expect(apartmentsOf(await queue(owner))).toEqual([g.a1]);
  });
});

describe('office dashboard reads', () => {
  const OVERVIEW = `{ collectionsOverview { buildings apartments apartmentsInArrears activePromises unmatchedBankLines
    totals { currency balance { amountMinor } apartmentsInArrears aging { notDue { amountMinor } d0_30 { amountMinor } d31_60 { amountMinor } d61_90 { amountMinor } d90Plus { amountMinor } overdue { amountMinor } } } } }`;
  const SUMMARY = `query($id: ID!, $from: Date!, $to: Date!) { buildingCollectionsSummary(buildingId: $id, from: $from, to: $to) { openingBalance { amountMinor } charged { amountMinor }
    collected { amountMinor } adjusted { amountMinor } closingBalance { amountMinor } collectionRateBasisPoints apartmentsInArrears aging { overdue { amountMinor } } } }`;

  it('gives the overview of the tenant: counts, balances and aging per currency', async () => {
    const g = await given();
    ok(await g.office(`mutation($input: ImportBankStatementInput!) { importBankStatement(input: $input) { statement { id } } }`, { input: { content: `date,amount,reference\n${day(0)},3.00,who knows\n`, idempotencyKey: key() } }));
    expect(ok(await g.office<any>(OVERVIEW)).collectionsOverview).toEqual({
      buildings: 2,
      apartments: 5,
      apartmentsInArrears: 4,
      activePromises: 1,
      unmatchedBankLines: 1,
      totals: [
        {
          currency: 'GBP',
          balance: { amountMinor: 100_000 },
          apartmentsInArrears: 4,
          aging: { notDue: { amountMinor: 0 }, d0_30: { amountMinor: 20_000 }, d31_60: { amountMinor: 10_000 }, d61_90: { amountMinor: 40_000 }, d90Plus: { amountMinor: 30_000 }, overdue: { amountMinor: 100_000 } },
        },
      ],
    });
    const owner = platform.as(g.tenant, { roles: ['owner'], scope: [`apartment:${g.a1}`] });
    expect(ok(await owner<any>(OVERVIEW)).collectionsOverview).toMatchObject({ buildings: 1, apartments: 1, apartmentsInArrears: 1, unmatchedBankLines: 0, totals: [{ balance: { amountMinor: 10_000 } }] });
    expect(ok(await platform.as(`other-${randomUUID()}`)<any>(OVERVIEW)).collectionsOverview).toMatchObject({ buildings: 0, apartments: 0, totals: [] });
  });

  it('summarises a building’s period: opening, charged, collected, closing, collection rate and aging', async () => {
    const g = await given();
    const s = ok(await g.office<any>(SUMMARY, { id: g.A, from: day(-100), to: day(0) })).buildingCollectionsSummary;
    expect(s).toEqual({
      openingBalance: { amountMinor: 0 },
      charged: { amountMinor: 65_000 },
      collected: { amountMinor: 5_000 },
      adjusted: { amountMinor: 0 },
      closingBalance: { amountMinor: 60_000 },
      collectionRateBasisPoints: 769,
      apartmentsInArrears: 3,
      aging: { overdue: { amountMinor: 60_000 } },
    });
    const later = ok(await g.office<any>(SUMMARY, { id: g.A, from: day(-30), to: day(0) })).buildingCollectionsSummary;
    expect(later).toMatchObject({ openingBalance: { amountMinor: 45_000 }, charged: { amountMinor: 20_000 }, collected: { amountMinor: 5_000 }, closingBalance: { amountMinor: 60_000 } });
    expect(errorOf(await g.office(SUMMARY, { id: g.A, from: day(0), to: day(-1) }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(ok(await platform.as(`other-${randomUUID()}`)<any>(SUMMARY, { id: g.A, from: day(-100), to: day(0) })).buildingCollectionsSummary).toBeNull();
  });
});
