// Money never overflows (issue 9 item 5): amounts and totals are 53-bit-safe integers (SafeInt)
// end to end — SDL, bigint columns, rollups, dashboard — through the gateway.
import { randomBytes, randomUUID } from 'node:crypto';
import { eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';

const CREATE = 'mutation C($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }';
const GIFT = 'mutation G($input: RecordGiftInput!) { recordGift(input: $input) { gift { id amount { amountMinor currency } } } }';
const GIVING = 'query($id: ID!) { contact(id: $id) { giving { lifetimeTotal { amountMinor currency } } } }';
const DASHBOARD = 'query($input: FundraisingDashboardInput) { fundraisingDashboard(input: $input) { totalsByMonth { month total { amountMinor } } } }';

describe('money beyond 32 bits', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ transport: 'in-process' });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('totals two gifts of £21.4M exactly in giving.lifetimeTotal and fundraisingDashboard', async () => {
    const as = platform.as(`money-${randomBytes(4).toString('hex')}`);
    const c = await as(CREATE, { input: { firstName: 'Ada', lastName: 'Lovelace', idempotencyKey: randomUUID() } });
    expect(c.errors).toBeUndefined();
    const contactId = c.data.createContact.contact.id as string;
    const big = 2_140_000_000; // £21.4M in pence: over 2^31 − 1 once two are added
    for (let i = 0; i < 2; i++) {
      const g = await as(GIFT, { input: { contactId, amount: { amountMinor: big, currency: 'GBP' }, receivedAt: '2026-11-02T10:00:00Z', idempotencyKey: randomUUID() } });
      expect(g.errors).toBeUndefined();
      expect(g.data.recordGift.gift.amount.amountMinor).toBe(big);
    }
    const giving = await eventually(async () => {
      const r = await as(GIVING, { id: contactId });
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return r.data.contact.giving.lifetimeTotal.amountMinor === 2 * big ? r.data.contact.giving : undefined;
    });
    expect(giving.lifetimeTotal).toEqual({ amountMinor: 4_280_000_000, currency: 'GBP' });

    const d = await as(DASHBOARD, { input: { from: '2026-11-01', to: '2026-11-30', currency: 'GBP' } });
    expect(d.errors).toBeUndefined();
    expect(d.data.fundraisingDashboard.totalsByMonth).toEqual([{ month: '2026-11', total: { amountMinor: 4_280_000_000 } }]);
  });

  it('refuses an amount beyond 2^53 − 1 as BAD_USER_INPUT naming the field', async () => {
    const as = platform.as(`money-${randomBytes(4).toString('hex')}`);
    const r = await as(GIFT, { input: { contactId: randomUUID(), amount: { amountMinor: 2 ** 53, currency: 'GBP' }, receivedAt: '2026-11-02T10:00:00Z', idempotencyKey: randomUUID() } });
    // The gateway passes the subgraph's coercion error on as the GraphQL response it is.
    expect(r.status).toBeLessThan(500);
    expect(r.data?.recordGift ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount.amountMinor' });
  });
});
