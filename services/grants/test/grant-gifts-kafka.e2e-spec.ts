// Architecture story 2 through the gateway on real Kafka and real PostgreSQL: an application to a
// funder organisation, the award, a disbursement approved and paid in grants → the agreed
// `grants.disbursement.paid` event → exactly one gift from the funder in fundraising, allocated to the
// grant's fund and linked to its opportunity, in the donor's rollups, the opportunity and the
// fundraising dashboard — and still one after the same event is redelivered and republished.
import { randomUUID } from 'node:crypto';
import { toTransportMessage } from '@commonhold/kit';
import { eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { tenantRows } from '@commonhold/testing/src/support';
import { approved, AWARD, createRequest, day, GBP, idempotencyKey, ok, PAY, REQUEST, SET_STATUS, tenantName } from './support';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'kafka', services: ['fundraising', 'grants'], serviceEnv: { grants: { GRANTS_TICK_CRON: '' } } });
}, 180_000);
afterAll(async () => platform?.stop());

const key = idempotencyKey;
const FUNDER = `query($id: ID!) { contact(id: $id) { kind giving { lifetimeTotal { amountMinor currency } giftCount }
  gifts(first: 10) { edges { node { id amount { amountMinor currency } receivedAt paymentMethod opportunity { id } allocations { fund { code } amount { amountMinor } } } } } } }`;
const OPPORTUNITY = `query($id: ID!) { opportunity(id: $id) { received { amountMinor } outstanding { amountMinor } } }`;
const DASHBOARD = `query($input: FundraisingDashboardInput) { fundraisingDashboard(input: $input) { totalsByFund { code total { amountMinor } giftCount } } }`;

/** A funder organisation, a fund and a GRANT opportunity in fundraising. */
async function givenFundraising(as: ReturnType<TestPlatform['as']>) {
  const funder = (await ok(as, `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }`, {
    input: { kind: 'ORGANISATION', organisationName: `Community Trust ${randomUUID().slice(0, 6)}`, idempotencyKey: key() },
  })).createContact.contact.id as string;
  await ok(as, `mutation($input: CreateFundInput!) { createFund(input: $input) { fund { id } } }`, { input: { code: 'YOUTH', name: 'Youth work', restricted: true, idempotencyKey: key() } });
  const opportunity = (await ok(as, `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } } }`, {
    input: { contactId: funder, name: 'Youth programme grant', type: 'GRANT', stage: 'ASK', expectedAmount: GBP(1_000_000), closeDate: day(30), idempotencyKey: key() },
  })).createOpportunity.opportunity.id as string;
  return { funder, opportunity };
}

describe('grant disbursement paid → one gift in fundraising', () => {
  it('records exactly one gift from the funder per paid disbursement, allocated and linked, in rollups and the dashboard, under redelivery', async () => {
    const tenant = tenantName('trust');
    const as = platform.as(tenant);
    const { funder, opportunity } = await givenFundraising(as);

    // grants: application → submitted → awarded £10,000 → a £6,000 disbursement approved and paid.
    const requestId = await createRequest(as, { funderContactId: funder, opportunityId: opportunity, fundCode: 'youth', requested: GBP(1_200_000) });
    await ok(as, SET_STATUS, { input: { requestId, status: 'SUBMITTED', idempotencyKey: key() } });
    await ok(as, AWARD, { input: { requestId, awarded: GBP(1_000_000), idempotencyKey: key() } });
    const first = await approved(as, requestId, 600_000);
    const payInput = { disbursementId: first, paidOn: day(-1), idempotencyKey: key() };
    await ok(as, PAY, { input: payInput });
    // A replayed pay mutation (same key) is the same answer and no second event.
    expect((await ok(as, PAY, { input: payInput })).payGrantDisbursement.disbursement.status).toBe('PAID');

    const funderView = await eventually(async () => {
      const c = (await as(FUNDER, { id: funder })).data?.contact;
      return c?.giving.giftCount === 1 ? c : undefined;
    }, { timeoutMs: 30_000 });
    expect(funderView).toMatchObject({
      kind: 'ORGANISATION',
      giving: { lifetimeTotal: GBP(600_000), giftCount: 1 },
      gifts: { edges: [{ node: { amount: GBP(600_000), receivedAt: `${day(-1)}T00:00:00.000Z`, paymentMethod: 'BANK_TRANSFER', opportunity: { id: opportunity }, allocations: [{ fund: { code: 'YOUTH' }, amount: { amountMinor: 600_000 } }] } }] },
    });
    const giftId = funderView.gifts.edges[0].node.id as string;
    expect((await ok(as, OPPORTUNITY, { id: opportunity })).opportunity).toEqual({ received: { amountMinor: 600_000 }, outstanding: { amountMinor: 400_000 } });
    const fundTotals = async () => (await ok(as, DASHBOARD, { input: { from: day(-30), to: day(0), currency: 'GBP' } })).fundraisingDashboard.totalsByFund;
    expect(await fundTotals()).toEqual(expect.arrayContaining([{ code: 'YOUTH', total: { amountMinor: 600_000 }, giftCount: 1 }]));
    // Audited in fundraising with the trace id the event carried.
    const audit = await tenantRows(platform, 'fundraising', tenant, `SELECT after->>'giftId' AS gift, trace_id FROM audit_events WHERE entity_type = 'GrantDisbursement' AND entity_id = $1`, [first]);
    expect(audit).toEqual([{ gift: giftId, trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) }]);

    // The same event again: redelivered (same event id) and republished (a new event id, same disbursement).
    const [delivered] = await tenantRows(platform, 'fundraising', tenant, `SELECT event_id FROM inbox WHERE consumer = 'fundraising.grant-gifts'`);
    const data = { disbursementId: first, requestId, funderContactId: funder, opportunityId: opportunity, fundCode: 'YOUTH', amountMinor: 600_000, currency: 'GBP', paidOn: day(-1) };
    const republishedId = randomUUID();
    for (const eventId of [delivered!.event_id as string, republishedId]) {
      await platform.services.grants!.runtime.transport.publish([
        toTransportMessage({ eventId, tenantId: tenant, topic: 'grants.disbursement', key: requestId, type: 'commonhold.grants.disbursement.paid.v1', source: 'grants', subject: first, data, time: new Date().toISOString() }),
      ]);
    }
    // The republished one was consumed (its inbox row exists) and added nothing.
    await eventually(async () => (await tenantRows(platform, 'fundraising', tenant, `SELECT 1 FROM inbox WHERE consumer = 'fundraising.grant-gifts' AND event_id = $1`, [republishedId]))[0], { timeoutMs: 30_000 });
    expect(await tenantRows(platform, 'fundraising', tenant, `SELECT count(*)::int AS n FROM gifts`)).toEqual([{ n: 1 }]);
    expect((await ok(as, FUNDER, { id: funder })).contact.giving).toEqual({ lifetimeTotal: GBP(600_000), giftCount: 1 });
    expect(await fundTotals()).toEqual(expect.arrayContaining([{ code: 'YOUTH', total: { amountMinor: 600_000 }, giftCount: 1 }]));

    // The rest of the award: a second disbursement is a second gift; the grant is fully disbursed.
    const second = await approved(as, requestId, 400_000);
    await ok(as, PAY, { input: { disbursementId: second, idempotencyKey: key() } });
    await eventually(async () => ((await as(FUNDER, { id: funder })).data?.contact?.giving.giftCount === 2 ? true : undefined), { timeoutMs: 30_000 });
    expect((await ok(as, FUNDER, { id: funder })).contact.giving.lifetimeTotal).toEqual(GBP(1_000_000));
    expect((await ok(as, OPPORTUNITY, { id: opportunity })).opportunity).toEqual({ received: { amountMinor: 1_000_000 }, outstanding: { amountMinor: 0 } });
    expect((await ok(as, REQUEST, { id: requestId })).grantRequest).toMatchObject({ status: 'FULLY_DISBURSED', disbursed: { amountMinor: 1_000_000 }, remaining: { amountMinor: 0 } });
    // Every financial side effect on both sides has its audit event with a trace id (the audit checks find no gap).
    for (const service of ['fundraising', 'grants']) {
      const report = await platform.services[service]!.auditChecker.run();
      expect({ service, gaps: report.gaps.filter((g) => g.tenantId === tenant && g.count > 0) }).toEqual({ service, gaps: [] });
    }
    // Through federation: the grant's funder resolves to fundraising's organisation.
    expect((await ok(as, `query($id: ID!) { grantRequest(id: $id) { funder { id organisationName } } }`, { id: requestId })).grantRequest.funder).toMatchObject({ id: funder });
  });

  it('records nothing half-linked: a grant naming a fund fundraising does not have goes to the DLQ, no gift', async () => {
    const tenant = tenantName('trust');
    const as = platform.as(tenant);
    const { funder, opportunity } = await givenFundraising(as);
    const dlq = async () => {
      const m = await platform.services.fundraising!.runtime.metrics.registry.getSingleMetric('dlq_events_total')!.get();
      return m.values.filter((v) => v.labels.group === 'fundraising.grant-gifts').reduce((n, v) => n + v.value, 0);
    };
    const before = await dlq();
    const requestId = await createRequest(as, { funderContactId: funder, opportunityId: opportunity, fundCode: 'NO-SUCH-FUND' });
    await ok(as, SET_STATUS, { input: { requestId, status: 'SUBMITTED', idempotencyKey: key() } });
    await ok(as, AWARD, { input: { requestId, awarded: GBP(300_000), idempotencyKey: key() } });
    await ok(as, PAY, { input: { disbursementId: await approved(as, requestId, 300_000), idempotencyKey: key() } });
    await eventually(async () => ((await dlq()) > before ? true : undefined), { timeoutMs: 30_000 });
    expect(await tenantRows(platform, 'fundraising', tenant, `SELECT (SELECT count(*)::int FROM gifts) AS gifts, (SELECT count(*)::int FROM grant_gifts) AS grant_gifts`)).toEqual([{ gifts: 0, grant_gifts: 0 }]);
  });

  it('does not record a gift in another tenant', async () => {
    const tenant = tenantName('trust');
    const other = tenantName('other');
    const as = platform.as(tenant);
    const { funder, opportunity } = await givenFundraising(as);
    const requestId = await createRequest(as, { funderContactId: funder, opportunityId: opportunity, fundCode: 'YOUTH' });
    await ok(as, SET_STATUS, { input: { requestId, status: 'SUBMITTED', idempotencyKey: key() } });
    await ok(as, AWARD, { input: { requestId, awarded: GBP(500_000), idempotencyKey: key() } });
    await ok(as, PAY, { input: { disbursementId: await approved(as, requestId, 500_000), idempotencyKey: key() } });
    await eventually(async () => ((await as(FUNDER, { id: funder })).data?.contact?.giving.giftCount === 1 ? true : undefined), { timeoutMs: 30_000 });
    expect(await tenantRows(platform, 'fundraising', other, `SELECT count(*)::int AS n FROM gifts`)).toEqual([{ n: 0 }]);
    expect((await platform.as(other)(FUNDER, { id: funder })).data?.contact).toBeNull();
  });
});
