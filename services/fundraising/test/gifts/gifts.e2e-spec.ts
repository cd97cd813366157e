// Gifts through the gateway: every kind through the one intake path, allocations, soft credits,
// pledges, refunds, opportunities and the full rollups, on real PostgreSQL with the in-process bus.
import { randomUUID } from 'node:crypto';
import { withTenant } from '@commonhold/kit';
import { bearer, eventually, gql } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { countedNet, rollupFrom, type CurrencyRollup, type RollupGift } from '../../src/modules/gifts/giving-rollup';
import { createContact, GBP, idempotencyKey as key, tenantRows, type As } from '../support';

let platform: TestPlatform;
let acme: As;
let bravo: As;


const RECORD_GIFT = `mutation($input: RecordGiftInput!) { recordGift(input: $input) { gift {
  id kind paymentMethod source externalRef amount { amountMinor currency } netAmount { amountMinor } refunded { amountMinor }
  campaign { code } appeal { code } allocations { fund { code } amount { amountMinor } }
  softCredits { contact { id } role amount { amountMinor } } pledge { id } pledgeOutstanding { amountMinor } } } }`;
const REFUND = `mutation($input: RefundGiftInput!) { refundGift(input: $input) { gift { id netAmount { amountMinor } refunded { amountMinor } refunds { amount { amountMinor } reason } } refund { id amount { amountMinor } } } }`;
const GIVING_FIELDS = `giving { currency lifetimeTotal { amountMinor currency } giftCount averageGift { amountMinor } smallestGift { amountMinor } largestGift { amountMinor }
  firstGift { date amount { amountMinor } } lastGift { date amount { amountMinor } } thisFiscalYear { amountMinor } lastFiscalYear { amountMinor }
  twoFiscalYearsAgo { amountMinor } last365Days { amountMinor } bestYear { fiscalYear label total { amountMinor } } softCreditTotal { amountMinor } }`;
const GIVING = `query($id: ID!) { contact(id: $id) { ${GIVING_FIELDS} } }`;
const CREATE_REF = (kind: 'Campaign' | 'Appeal' | 'Fund') =>
  `mutation($input: Create${kind}Input!) { create${kind}(input: $input) { ${kind.toLowerCase()} { id code } } }`;

const contact = (as: As = acme, lastName = 'Lovelace') => createContact(as, { lastName });

async function ref(kind: 'Campaign' | 'Appeal' | 'Fund', as: As = acme, extra: Record<string, unknown> = {}) {
  const code = `${kind.slice(0, 3).toUpperCase()}-${randomUUID().slice(0, 8)}`;
  const r = await as(CREATE_REF(kind), { input: { code, name: `${kind} ${code}`, idempotencyKey: key(), ...extra } });
  expect(r.errors).toBeUndefined();
  return r.data[`create${kind}`][kind.toLowerCase()].id as string;
}

async function gift(input: Record<string, unknown>, as: As = acme) {
  return as(RECORD_GIFT, { input: { amount: GBP(2500), receivedAt: '2026-06-01T10:00:00Z', idempotencyKey: key(), ...input } });
}

async function okGift(input: Record<string, unknown>, as: As = acme) {
  const r = await gift(input, as);
  expect(r.errors).toBeUndefined();
  return r.data.recordGift.gift;
}

/** Rows of a tenant's table as the service sees them (RLS applies). */
const rows = (tenant: string, sql: string, params: unknown[] = []) => tenantRows(platform, tenant, sql, params);

/** Waits until the rollup consumer has handled every gift and refund event of the tenant. */
async function settled(tenant: string) {
  await eventually(
    async () => {
      const { events } = (await rows(tenant, `SELECT (SELECT count(*) FROM gifts) + (SELECT count(*) FROM gift_refunds) AS events`))[0]!;
      const { handled } = (await rows(tenant, `SELECT count(*) AS handled FROM inbox WHERE consumer = 'fundraising.giving-rollup'`))[0]!;
      return Number(events) === Number(handled);
    },
    { timeoutMs: 30_000 },
  );
}

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process' });
  acme = platform.as('acme');
  bravo = platform.as('bravo');
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

describe('recordGift', () => {
  it('records a gift with campaign, appeal, fund allocations and soft credits', async () => {
    const donor = await contact();
    const matcher = await contact(acme, 'Matcher');
    const campaignId = await ref('Campaign');
    const appealId = await ref('Appeal', acme, { campaignId });
    const [general, building] = [await ref('Fund'), await ref('Fund')];
    const g = await okGift({
      contactId: donor,
      amount: GBP(10000),
      paymentMethod: 'CARD',
      campaignId,
      appealId,
      allocations: [
        { fundId: general, amountMinor: 6000 },
        { fundId: building, amountMinor: 4000 },
      ],
      softCredits: [{ contactId: matcher, role: 'MATCHED_DONOR', amountMinor: 5000 }],
    });
    expect(g).toMatchObject({ kind: 'ONE_OFF', paymentMethod: 'CARD', source: 'MANUAL', netAmount: { amountMinor: 10000 }, refunded: { amountMinor: 0 } });
    expect(g.campaign.code).toMatch(/^CAM-/);
    expect(g.appeal.code).toMatch(/^APP-/);
    expect(g.allocations.map((a: any) => a.amount.amountMinor).sort()).toEqual([4000, 6000]);
    expect(g.softCredits).toEqual([{ contact: { id: matcher }, role: 'MATCHED_DONOR', amount: { amountMinor: 5000 } }]);

    await settled('acme');
    const m = (await acme(GIVING, { id: matcher })).data.contact.giving;
    expect(m).toMatchObject({ giftCount: 0, softCreditTotal: { amountMinor: 5000 } });
  });

  it.each([
    ['allocations that do not sum to the amount', async () => ({ allocations: [{ fundId: await ref('Fund'), amountMinor: 100 }] }), 'BAD_USER_INPUT', 'input.allocations'],
    ['an allocation to another tenant’s fund', async () => ({ allocations: [{ fundId: await ref('Fund', bravo), amountMinor: 2500 }] }), 'NOT_FOUND', 'input.allocations.0.fundId'],
    ['a soft credit to the donor', async () => ({ softCredits: [{ contactId: 'SELF', role: 'SOFT_CREDIT' }] }), 'BAD_USER_INPUT', 'input.softCredits.0.contactId'],
    ['a soft credit larger than the gift', async () => ({ softCredits: [{ contactId: await contact(), role: 'SOFT_CREDIT', amountMinor: 2501 }] }), 'BAD_USER_INPUT', 'input.softCredits.0.amountMinor'],
    ['a soft credit to another tenant’s contact', async () => ({ softCredits: [{ contactId: await contact(bravo), role: 'SOFT_CREDIT' }] }), 'NOT_FOUND', 'input.softCredits.0.contactId'],
    ['a campaign of another tenant', async () => ({ campaignId: await ref('Campaign', bravo) }), 'NOT_FOUND', 'input.campaignId'],
    ['a pledge payment without its pledge', async () => ({ kind: 'PLEDGE_PAYMENT' }), 'BAD_USER_INPUT', 'input.pledgeId'],
    ['an instalment without its agreement', async () => ({ kind: 'RECURRING_INSTALMENT' }), 'BAD_USER_INPUT', 'input.recurringAgreementId'],
    ['a gift received in the future', async () => ({ receivedAt: '2999-01-01T00:00:00Z' }), 'BAD_USER_INPUT', 'input.receivedAt'],
    ['a zero amount', async () => ({ amount: GBP(0) }), 'BAD_USER_INPUT', 'input.amount.amountMinor'],
    ['benefits worth more than the gift', async () => ({ benefitMinor: 2501 }), 'BAD_USER_INPUT', 'input.benefitMinor'],
    ['an unknown payment method', async () => ({ paymentMethod: 'GOLD' }), 'BAD_USER_INPUT', 'input.paymentMethod'],
  ])('refuses %s with a typed error naming the field, writing nothing', async (_name, make, code, field) => {
    const donor = await contact();
    const extra = await make();
    if ((extra as any).softCredits?.[0]?.contactId === 'SELF') (extra as any).softCredits[0].contactId = donor;
    const r = await gift({ contactId: donor, ...extra });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code, field });
    expect(r.errors?.[0]?.extensions?.stacktrace).toBeUndefined();
    expect(await rows('acme', `SELECT id FROM gifts WHERE contact_id = $1`, [donor])).toEqual([]);
  });

  it('replays under the same key and conflicts on the same key with other input', async () => {
    const donor = await contact();
    const idempotencyKey = key();
    const first = await okGift({ contactId: donor, idempotencyKey });
    const again = await okGift({ contactId: donor, idempotencyKey });
    expect(again.id).toBe(first.id);
    const other = await gift({ contactId: donor, idempotencyKey, amount: GBP(1) });
    expect(other.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await rows('acme', `SELECT id FROM gifts WHERE contact_id = $1`, [donor])).toHaveLength(1);
  });

  it('pledges count in rollups only through their payments, which cannot exceed the pledge', async () => {
    const donor = await contact();
    const pledge = await okGift({ contactId: donor, kind: 'PLEDGE', amount: GBP(12000), receivedAt: '2027-01-01T00:00:00Z' });
    expect(pledge.pledgeOutstanding).toEqual({ amountMinor: 12000 });
    await okGift({ contactId: donor, kind: 'PLEDGE_PAYMENT', pledgeId: pledge.id, amount: GBP(5000) });
    const over = await gift({ contactId: donor, kind: 'PLEDGE_PAYMENT', pledgeId: pledge.id, amount: GBP(7001) });
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount.amountMinor' });
    const notPledge = await okGift({ contactId: donor });
    const wrong = await gift({ contactId: donor, kind: 'PLEDGE_PAYMENT', pledgeId: notPledge.id });
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.pledgeId' });

    const p = await acme(`query($id: ID!) { gift(id: $id) { pledgeOutstanding { amountMinor } pledgePayments { amount { amountMinor } } } }`, { id: pledge.id });
    expect(p.data.gift).toEqual({ pledgeOutstanding: { amountMinor: 7000 }, pledgePayments: [{ amount: { amountMinor: 5000 } }] });
    await settled('acme');
    const giving = (await acme(GIVING, { id: donor })).data.contact.giving;
    expect(giving).toMatchObject({ giftCount: 2, lifetimeTotal: { amountMinor: 7500 } });
  });
});

describe('refundGift', () => {
  it('refunds in part then in full; rollups subtract; over-refunds and refunds of refunded gifts are refused', async () => {
    const donor = await contact();
    const big = await okGift({ contactId: donor, amount: GBP(10000), receivedAt: '2026-05-01T10:00:00Z' });
    await okGift({ contactId: donor, amount: GBP(3000), receivedAt: '2026-05-02T10:00:00Z' });

    const part = await acme(REFUND, { input: { giftId: big.id, amount: GBP(4000), reason: 'Duplicate charge', idempotencyKey: key() } });
    expect(part.errors).toBeUndefined();
    expect(part.data.refundGift.gift).toMatchObject({ netAmount: { amountMinor: 6000 }, refunded: { amountMinor: 4000 }, refunds: [{ amount: { amountMinor: 4000 }, reason: 'Duplicate charge' }] });

    const over = await acme(REFUND, { input: { giftId: big.id, amount: GBP(6001), idempotencyKey: key() } });
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount.amountMinor' });
    const currency = await acme(REFUND, { input: { giftId: big.id, amount: { amountMinor: 1, currency: 'EUR' }, idempotencyKey: key() } });
    expect(currency.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount.currency' });

    await settled('acme');
    expect((await acme(GIVING, { id: donor })).data.contact.giving).toMatchObject({ giftCount: 2, lifetimeTotal: { amountMinor: 9000 }, smallestGift: { amountMinor: 3000 }, largestGift: { amountMinor: 6000 } });

    const rest = await acme(REFUND, { input: { giftId: big.id, idempotencyKey: key() } });
    expect(rest.data.refundGift.refund.amount).toEqual({ amountMinor: 6000 });
    const again = await acme(REFUND, { input: { giftId: big.id, idempotencyKey: key() } });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.giftId' });

    await settled('acme');
    expect((await acme(GIVING, { id: donor })).data.contact.giving).toMatchObject({
      giftCount: 1,
      lifetimeTotal: { amountMinor: 3000 },
      firstGift: { amount: { amountMinor: 3000 } },
      lastGift: { amount: { amountMinor: 3000 } },
    });
    const audit = await acme(`query($id: ID!) { fundraisingAuditEvents(entityId: $id) { edges { node { action traceId } } } }`, { id: big.id });
    const actions = audit.data.fundraisingAuditEvents.edges.map((e: any) => e.node.action);
    expect(actions).toEqual(['gift.recorded', 'gift.refunded', 'gift.refunded']);
    expect(audit.data.fundraisingAuditEvents.edges.every((e: any) => /^[0-9a-f]{32}$/.test(e.node.traceId))).toBe(true);
  });

  it('replays a refund under its key and never refunds twice', async () => {
    const donor = await contact();
    const g = await okGift({ contactId: donor, amount: GBP(5000) });
    const input = { giftId: g.id, amount: GBP(1000), idempotencyKey: key() };
    const [a, b] = await Promise.all([acme(REFUND, { input }), acme(REFUND, { input })]);
    expect(a.data?.refundGift.refund.id ?? a.errors?.[0]?.extensions?.code).toBeDefined();
    const ok = [a, b].filter((r) => !r.errors);
    expect(new Set(ok.map((r) => r.data.refundGift.refund.id)).size).toBe(1);
    expect(await rows('acme', `SELECT refunded_minor FROM gifts WHERE id = $1`, [g.id])).toEqual([{ refunded_minor: '1000' }]);
  });

  it('cannot refund a pledge or another tenant’s gift', async () => {
    const donor = await contact();
    const pledge = await okGift({ contactId: donor, kind: 'PLEDGE', amount: GBP(5000) });
    const r = await acme(REFUND, { input: { giftId: pledge.id, idempotencyKey: key() } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.giftId' });
    const g = await okGift({ contactId: donor });
    const foreign = await bravo(REFUND, { input: { giftId: g.id, idempotencyKey: key() } });
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.giftId' });
    expect(await rows('acme', `SELECT refunded_minor FROM gifts WHERE id = $1`, [g.id])).toEqual([{ refunded_minor: '0' }]);
  });
});

describe('Contact.giving', () => {
  it('shows every rollup figure, with fiscal years from the tenant setting', async () => {
    const tenant = `fy-${randomUUID().slice(0, 8)}`;
    const as = platform.as(tenant);
    const donor = await contact(as);
    const now = new Date();
    const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();
    // April fiscal years (the default): place gifts by FY relative to today.
    const fy = now.getUTCMonth() + 1 >= 4 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
    const inFy = (y: number, month = 6) => `${y}-${String(month).padStart(2, '0')}-15T12:00:00Z`;
    const plan = [
      { amount: 1000, at: inFy(fy - 2) },
      { amount: 9000, at: inFy(fy - 1) },
      { amount: 500, at: inFy(fy - 1, 12) },
      { amount: 2000, at: daysAgo(1) },
    ];
    for (const p of plan) await okGift({ contactId: donor, amount: GBP(p.amount), receivedAt: p.at }, as);
    await settled(tenant);
    const g = (await as(GIVING, { id: donor })).data.contact.giving;
    const within365 = plan.filter((p) => now.getTime() - new Date(p.at).getTime() < 365 * 86_400_000).reduce((s, p) => s + p.amount, 0);
    expect(g).toMatchObject({
      currency: 'GBP',
      lifetimeTotal: { amountMinor: 12500, currency: 'GBP' },
      giftCount: 4,
      averageGift: { amountMinor: 3125 },
      smallestGift: { amountMinor: 500 },
      largestGift: { amountMinor: 9000 },
      firstGift: { date: new Date(inFy(fy - 2)).toISOString(), amount: { amountMinor: 1000 } },
      lastGift: { amount: { amountMinor: 2000 } },
      thisFiscalYear: { amountMinor: 2000 },
      lastFiscalYear: { amountMinor: 9500 },
      twoFiscalYearsAgo: { amountMinor: 1000 },
      last365Days: { amountMinor: within365 },
      bestYear: { fiscalYear: fy - 1, total: { amountMinor: 9500 } },
    });

    // Moving the fiscal year start rebuilds the buckets at once.
    const upd = await as(`mutation($input: UpdateFundraisingSettingsInput!) { updateFundraisingSettings(input: $input) { settings { fiscalYearStartMonth } } }`, {
      input: { fiscalYearStartMonth: 1, idempotencyKey: key() },
    });
    expect(upd.errors).toBeUndefined();
    const cal = (await as(`query($id: ID!) { contact(id: $id) { giving { fiscalYears { fiscalYear label total { amountMinor } } } } }`, { id: donor })).data.contact.giving;
    const byYear: Record<number, number> = {};
    for (const p of plan) byYear[new Date(p.at).getUTCFullYear()] = (byYear[new Date(p.at).getUTCFullYear()] ?? 0) + p.amount;
    expect(Object.fromEntries(cal.fiscalYears.map((y: any) => [y.fiscalYear, y.total.amountMinor]))).toEqual(byYear);
    expect(cal.fiscalYears[0].label).toBe(String(cal.fiscalYears[0].fiscalYear));
  });

  it('rebuildRollups equals the event-built rollups on a randomized dataset', async () => {
    const tenant = `rand-${randomUUID().slice(0, 8)}`;
    const as = platform.as(tenant);
    // Deterministic pseudo-random generator so a failure can be replayed.
    let seed = 20261122;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;

    const contacts: string[] = [];
    for (let i = 0; i < 12; i++) contacts.push(await contact(as, `Family${i % 5}`));
    // Three households of two or three members, set directly (the contacts module owns the API).
    await withTenant(platform.services.fundraising!.runtime.ds, tenant, async (m) => {
      for (let h = 0; h < 3; h++) {
        const id = randomUUID();
        await m.query(`INSERT INTO households (id, tenant_id, name, formal_greeting, informal_greeting) VALUES ($1, $2, 'H', 'H', 'H')`, [id, tenant]);
        await m.query(`UPDATE contacts SET household_id = $1 WHERE id = ANY($2::uuid[])`, [id, contacts.slice(h * 3, h * 3 + 2 + (h % 2))]);
      }
    });
    const gifts: { id: string; kind: string; amount: number }[] = [];
    for (let i = 0; i < 80; i++) {
      const donor = pick(contacts);
      const kind = rnd() < 0.1 ? 'PLEDGE' : 'ONE_OFF';
      const amount = 100 + Math.floor(rnd() * 20000);
      const day = new Date(Date.UTC(2022, 0, 1) + Math.floor(rnd() * 1700) * 86_400_000 + (rnd() < 0.1 ? 0 : Math.floor(rnd() * 86_400_000)));
      const soft = rnd() < 0.3 ? [{ contactId: pick(contacts.filter((c) => c !== donor)), role: pick(['SOFT_CREDIT', 'MATCHED_DONOR', 'HOUSEHOLD_MEMBER']), amountMinor: 1 + Math.floor(rnd() * amount) }] : undefined;
      const g = await okGift({ contactId: donor, kind, amount: rnd() < 0.1 ? { amountMinor: amount, currency: 'EUR' } : GBP(amount), receivedAt: day.toISOString(), softCredits: soft }, as);
      gifts.push({ id: g.id, kind, amount });
    }
    for (const g of gifts.filter((x) => x.kind !== 'PLEDGE' && rnd() < 0.25)) {
      const full = rnd() < 0.4;
      const r = await as(REFUND, { input: { giftId: g.id, ...(full ? {} : { amount: { amountMinor: 1 + Math.floor(rnd() * (g.amount - 1)), currency: (await rows(tenant, `SELECT currency FROM gifts WHERE id = $1`, [g.id]))[0]!.currency } }), idempotencyKey: key() } });
      expect(r.errors).toBeUndefined();
    }
    await settled(tenant);

    const snapshot = () => rows(tenant, `SELECT * FROM giving_rollups ORDER BY subject_type, subject_id, currency`).then((rs) => rs.map(({ updated_at: _u, ...r }) => r));
    const incremental = await snapshot();
    expect(incremental.length).toBeGreaterThan(12);
    expect(incremental.some((r) => r.subject_type === 'HOUSEHOLD')).toBe(true);
    expect(incremental.some((r) => Number(r.soft_credit_minor) > 0)).toBe(true);

    const rebuilt = await as(`mutation($input: RebuildRollupsInput!) { rebuildRollups(input: $input) { contacts households } }`, { input: { idempotencyKey: key() } });
    expect(rebuilt.errors).toBeUndefined();
    expect(rebuilt.data.rebuildRollups.contacts).toBe(12);
    expect(await snapshot()).toEqual(incremental);

    // And both equal the pure reference fold (giving-rollup.ts), computed here from the raw gifts.
    const giftRows = await rows(tenant, `SELECT g.*, c.household_id FROM gifts g JOIN contacts c ON c.id = g.contact_id`);
    const softRows = await rows(tenant, `SELECT s.*, c.household_id FROM soft_credits s JOIN contacts c ON c.id = s.contact_id`);
    const asGift = (g: Record<string, any>): RollupGift => ({ id: g.id, kind: g.kind, amountMinor: Number(g.amount_minor), refundedMinor: Number(g.refunded_minor), currency: g.currency, receivedAt: new Date(g.received_at) });
    const byId = new Map(giftRows.map((g) => [g.id, g]));
    const expected: Record<string, unknown>[] = [];
    const push = (type: string, id: string, rollups: CurrencyRollup[]) => {
      for (const r of rollups) {
        expected.push({
          tenant_id: tenant, subject_type: type, subject_id: id, currency: r.currency, total_minor: String(r.totalMinor), gift_count: r.giftCount,
          smallest_minor: r.smallestMinor === null ? null : String(r.smallestMinor), largest_minor: r.largestMinor === null ? null : String(r.largestMinor),
          first_gift_at: r.firstGiftAt, first_gift_minor: r.firstGiftMinor === null ? null : String(r.firstGiftMinor),
          last_gift_at: r.lastGiftAt, last_gift_minor: r.lastGiftMinor === null ? null : String(r.lastGiftMinor),
          by_fiscal_year: r.byFiscalYear, soft_credit_minor: String(r.softCreditMinor),
        });
      }
    };
    for (const c of contacts) {
      push('CONTACT', c, rollupFrom(giftRows.filter((g) => g.contact_id === c).map(asGift), softRows.filter((x) => x.contact_id === c).map((x) => ({ gift: asGift(byId.get(x.gift_id)!), amountMinor: Number(x.amount_minor) })), 4));
    }
    for (const h of [...new Set(giftRows.map((g) => g.household_id).concat(softRows.map((x) => x.household_id)).filter(Boolean))]) {
      // A household counts an outside gift once: the largest of its members' soft credits on it.
      const outside = new Map<string, number>();
      for (const x of softRows.filter((x) => x.household_id === h && byId.get(x.gift_id)!.household_id !== h)) {
        const counted = Math.min(Number(x.amount_minor), countedNet(asGift(byId.get(x.gift_id)!)));
        outside.set(x.gift_id, Math.max(outside.get(x.gift_id) ?? 0, counted));
      }
      push('HOUSEHOLD', h, rollupFrom(giftRows.filter((g) => g.household_id === h).map(asGift), [...outside].map(([id, amountMinor]) => ({ gift: asGift(byId.get(id)!), amountMinor })), 4));
    }
    const key3 = (r: Record<string, any>) => `${r.subject_type}/${r.subject_id}/${r.currency}`;
    const norm = (rs: Record<string, any>[]) =>
      rs.filter((r) => r.gift_count > 0 || Number(r.soft_credit_minor) > 0).map((r) => ({ ...r, by_fiscal_year: Object.fromEntries(Object.entries(r.by_fiscal_year).map(([k, v]) => [k, Number(v)])) })).sort((a, b) => key3(a).localeCompare(key3(b)));
    expect(norm(incremental)).toEqual(norm(expected));
  });
});

describe('opportunities', () => {
  const CREATE = `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id stage probability expectedAmount { amountMinor } received { amountMinor } outstanding { amountMinor } } } }`;
  const UPDATE = `mutation($input: UpdateOpportunityInput!) { updateOpportunity(input: $input) { opportunity { id stage probability lostReason outstanding { amountMinor } } } }`;

  it('rolls linked gifts up as received and outstanding, through the stages', async () => {
    const donor = await contact();
    const created = await acme(CREATE, { input: { contactId: donor, name: 'Capital appeal', type: 'MAJOR_GIFT', expectedAmount: GBP(100000), closeDate: '2027-03-31', idempotencyKey: key() } });
    expect(created.errors).toBeUndefined();
    const opp = created.data.createOpportunity.opportunity;
    expect(opp).toMatchObject({ stage: 'PROSPECTING', probability: 10, received: { amountMinor: 0 }, outstanding: { amountMinor: 100000 } });

    const pledged = await acme(UPDATE, { input: { opportunityId: opp.id, stage: 'PLEDGED', idempotencyKey: key() } });
    expect(pledged.data.updateOpportunity.opportunity).toMatchObject({ stage: 'PLEDGED', probability: 90 });
    await okGift({ contactId: donor, amount: GBP(40000), opportunityId: opp.id });
    await okGift({ contactId: donor, amount: GBP(99999), opportunityId: opp.id, kind: 'PLEDGE' });
    const read = await acme(`query($id: ID!) { opportunity(id: $id) { received { amountMinor } outstanding { amountMinor } gifts { id } contact { id } } }`, { id: opp.id });
    expect(read.data.opportunity).toMatchObject({ received: { amountMinor: 40000 }, outstanding: { amountMinor: 60000 }, contact: { id: donor } });
    expect(read.data.opportunity.gifts).toHaveLength(2);

    const lostNoReason = await acme(UPDATE, { input: { opportunityId: opp.id, stage: 'LOST', idempotencyKey: key() } });
    expect(lostNoReason.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.lostReason' });
    const won = await acme(UPDATE, { input: { opportunityId: opp.id, stage: 'WON', idempotencyKey: key() } });
    expect(won.data.updateOpportunity.opportunity).toMatchObject({ stage: 'WON', probability: 100 });
    const reopen = await acme(UPDATE, { input: { opportunityId: opp.id, stage: 'ASK', idempotencyKey: key() } });
    expect(reopen.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.stage' });

    const list = await acme(`{ opportunities(first: 100, stage: WON) { edges { node { id } } } }`);
    expect(list.data.opportunities.edges.map((e: any) => e.node.id)).toContain(opp.id);
  });

  it.each([
    [{ type: 'BEQUEST' }, 'input.type'],
    [{ probability: 120 }, 'input.probability'],
    [{ expectedAmount: GBP(0) }, 'input.expectedAmount.amountMinor'],
    [{ closeDate: '2027-02-30' }, 'input.closeDate'],
    [{ name: '  ' }, 'input.name'],
    [{ contactId: randomUUID() }, 'input.contactId'],
  ])('refuses %p naming %s', async (bad, field) => {
    const donor = await contact();
    const before = await rows('acme', `SELECT count(*) AS n FROM opportunities`);
    const r = await acme(CREATE, { input: { contactId: donor, name: 'Grant', type: 'GRANT', expectedAmount: GBP(5000), closeDate: '2027-01-01', idempotencyKey: key(), ...bad } });
    expect(r.errors?.[0]?.extensions?.field).toBe(field);
    expect(['BAD_USER_INPUT', 'NOT_FOUND']).toContain(r.errors?.[0]?.extensions?.code);
    expect(await rows('acme', `SELECT count(*) AS n FROM opportunities`)).toEqual(before);
  });
});

describe('tenant isolation', () => {
  it('hides gifts, opportunities, funds and rollups from other tenants, by id and in lists', async () => {
    const donor = await contact();
    const fund = await ref('Fund');
    const g = await okGift({ contactId: donor, allocations: [{ fundId: fund, amountMinor: 2500 }] });
    const opp = (await acme(`mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } } }`, {
      input: { contactId: donor, name: 'Legacy', type: 'LEGACY', expectedAmount: GBP(500000), closeDate: '2030-01-01', idempotencyKey: key() },
    })).data.createOpportunity.opportunity.id;

    expect((await bravo(`query($id: ID!) { gift(id: $id) { id } }`, { id: g.id })).data.gift).toBeNull();
    expect((await bravo(`query($id: ID!) { opportunity(id: $id) { id } }`, { id: opp })).data.opportunity).toBeNull();
    const lists = await bravo(`{ gifts(first: 100) { edges { node { id } } } opportunities(first: 100) { edges { node { id } } } funds(first: 100) { edges { node { id } } } }`);
    expect(JSON.stringify(lists.data)).not.toContain(g.id);
    expect(JSON.stringify(lists.data)).not.toContain(opp);
    expect(JSON.stringify(lists.data)).not.toContain(fund);
    const linkForeign = await gift({ contactId: await contact(bravo), opportunityId: opp }, bravo);
    expect(linkForeign.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.opportunityId' });
    const updForeign = await bravo(`mutation($input: UpdateOpportunityInput!) { updateOpportunity(input: $input) { opportunity { id } } }`, { input: { opportunityId: opp, stage: 'ASK', idempotencyKey: key() } });
    expect(updForeign.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.opportunityId' });
    // Federation's entity lookup, called on the subgraph directly, is tenant-scoped too.
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Gift { id } ... on Opportunity { id } } }`;
    const reps = { r: [{ __typename: 'Gift', id: g.id }, { __typename: 'Opportunity', id: opp }] };
    const url = platform.services.fundraising!.url;
    expect((await gql(url, entities, reps, bearer(await platform.token('bravo')))).data?._entities).toEqual([null, null]);
    expect((await gql(url, entities, reps, bearer(await platform.token('acme')))).data?._entities).toEqual([{ id: g.id }, { id: opp }]);
  });
});
