// Gift Aid through the gateway on real PostgreSQL with the in-process bus: declarations and their
// rules, per-gift eligibility, claims that take each eligible gift exactly once (also under
// concurrency and at scale), HMRC schedule files, refund adjustments, dated aggregation
// thresholds; typed bad input, idempotent replay, tenant isolation, events and audit.
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { TransportMessage } from '@commonhold/kit';
import { eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { CREATE_CONTACT, idempotencyKey as key, ok, RECORD_GIFT, REFUND_GIFT, tenantRows, UK_ADDRESS as ADDRESS, type As } from '../support';

let platform: TestPlatform;
const seen: TransportMessage[] = [];

/** Claims take every eligible gift of a tenant: each test that claims gets tenants of its own. */
const newTenant = () => `ga-${randomUUID().slice(0, 8)}`;

const day = 86_400_000;
/** UTC calendar date `n` days ago. */
const daysAgo = (n: number) => new Date(Date.now() - n * day).toISOString().slice(0, 10);
/** 10:00 UTC `n` days ago (never in the future). */
const instantDaysAgo = (n: number) => (n === 0 ? new Date(Date.now() - 60_000).toISOString() : `${daysAgo(n)}T10:00:00Z`);
const ddmmyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(2, 4)}`;

const DECLARATION_FIELDS = `id kind method status declaredAt coversFrom coversTo confirmationSentAt confirmationReference cancelledAt cancellationReason
  retroactivelyCancelled supersededById contact { id } gift { id } donor { title firstName lastName houseNameOrNumber postcode country }`;
const CLAIM_FIELDS = `id upTo createdAt rowCount giftCount scheduleTotalMinor totalDonationsMinor adjustmentTotalMinor adjustmentTaxMinor taxRecoverableMinor aggregationThresholdMinor
  adjustments { gift { id } amountMinor originalClaimId reason }`;
const RECORD = `mutation($input: RecordGiftAidDeclarationInput!) { recordGiftAidDeclaration(input: $input) { declaration { ${DECLARATION_FIELDS} } superseded { id status coversTo } } }`;
const CANCEL = `mutation($input: CancelGiftAidDeclarationInput!) { cancelGiftAidDeclaration(input: $input) { declaration { ${DECLARATION_FIELDS} } } }`;
const CLAIM = `mutation($input: CreateGiftAidClaimInput!) { createGiftAidClaim(input: $input) { claim { ${CLAIM_FIELDS} } } }`;
const THRESHOLD = `mutation($input: SetGiftAidAggregationThresholdInput!) { setGiftAidAggregationThreshold(input: $input) { threshold { effectiveFrom amountMinor } } }`;
const THRESHOLDS = `{ giftAidAggregationThresholds { effectiveFrom amountMinor } }`;
const DECLARATION = `query($id: ID!) { giftAidDeclaration(id: $id) { ${DECLARATION_FIELDS} } }`;
const CONTACT_DECLARATIONS = `query($id: ID!) { contact(id: $id) { giftAidDeclarations { id status } } }`;
const GET_CLAIM = `query($id: ID!) { giftAidClaim(id: $id) { ${CLAIM_FIELDS} scheduleFiles { fileName csv } } }`;
const CLAIMS = `query($after: String) { giftAidClaims(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`;
const GIFT_AID = `query($id: ID!) { gift(id: $id) { id giftAid { eligible reason claimId } } }`;
const AUDIT = `query($id: ID!) { fundraisingAuditEvents(entityId: $id, first: 100) { edges { node { action } } } }`;


const rows = (tenant: string, sql: string, params: unknown[] = []) => tenantRows(platform, tenant, sql, params);

/** Everything this module writes, for "nothing was written" checks. */
const footprint = (tenant: string) =>
  rows(
    tenant,
    `SELECT (SELECT count(*) FROM gift_aid_declarations) AS declarations, (SELECT string_agg(md5(d::text), ',' ORDER BY d.id) FROM gift_aid_declarations d) AS declaration_rows,
            (SELECT count(*) FROM gift_aid_claims) AS claims, (SELECT count(*) FROM gift_aid_claim_items) AS items,
            (SELECT count(*) FROM gift_aid_aggregation_thresholds) AS thresholds, (SELECT count(*) FROM audit_events) AS audit,
            (SELECT count(*) FROM idempotency_keys) AS keys`,
  ).then((r) => r[0]!);

async function expectRejected(as: As, tenant: string, query: string, variables: Record<string, unknown>, code: string, field?: string) {
  const before = await footprint(tenant);
  const r = await as(query, variables);
  expect(r.errors?.[0]?.extensions?.code).toBe(code);
  if (field) expect(r.errors?.[0]?.extensions?.field).toBe(field);
  expect(await footprint(tenant)).toEqual(before);
  return r.errors![0]!;
}


async function person(as: As, input: Record<string, unknown> = {}) {
  const d = await ok(as, CREATE_CONTACT, { input: { title: 'Mrs', firstName: 'Ada', lastName: 'Lovelace', address: ADDRESS, idempotencyKey: key(), ...input } });
  return d.createContact.contact.id as string;
}

async function gift(as: As, contactId: string, amountMinor: number, n = 1, extra: Record<string, unknown> = {}) {
  const d = await ok(as, RECORD_GIFT, { input: { contactId, amount: { amountMinor, currency: 'GBP' }, receivedAt: instantDaysAgo(n), idempotencyKey: key(), ...extra } });
  return d.recordGift.gift.id as string;
}

async function declare(as: As, contactId: string, input: Record<string, unknown> = {}) {
  const d = await ok(as, RECORD, { input: { contactId, kind: 'ENDURING', method: 'WRITTEN', declaredAt: daysAgo(0), coversFrom: daysAgo(365), idempotencyKey: key(), ...input } });
  return d.recordGiftAidDeclaration;
}

async function claim(as: As, input: Record<string, unknown> = {}) {
  return (await ok(as, CLAIM, { input: { upTo: daysAgo(0), idempotencyKey: key(), ...input } })).createGiftAidClaim.claim;
}

const status = async (as: As, giftId: string) => (await ok(as, GIFT_AID, { id: giftId })).gift.giftAid;
const schedule = async (as: As, claimId: string) => (await ok(as, GET_CLAIM, { id: claimId })).giftAidClaim.scheduleFiles as { fileName: string; csv: string }[];

const events = (type: string, subject: string) =>
  seen.filter((m) => m.headers.ce_type === `commonhold.fundraising.${type}.v1` && m.headers.ce_subject === subject).map((m) => ({ key: m.key, data: JSON.parse(m.value) }));

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process' });
  await platform.transports[0]!.subscribe('gift-aid-e2e-watcher', ['fundraising.gift-aid-declaration', 'fundraising.gift-aid-claim'], async (m) => {
    seen.push(m);
  });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

describe('declarations', () => {
  it('records an enduring declaration with the donor’s details, an event and an audit entry', async () => {
    const tenant = newTenant();
    const as = platform.as(tenant);
    const contactId = await person(as);
    const { declaration, superseded } = await declare(as, contactId, { coversFrom: daysAgo(4 * 365) });
    expect(superseded).toEqual([]);
    expect(declaration).toMatchObject({
      kind: 'ENDURING',
      method: 'WRITTEN',
      status: 'ACTIVE',
      declaredAt: daysAgo(0),
      coversFrom: daysAgo(4 * 365),
      coversTo: null,
      retroactivelyCancelled: false,
      contact: { id: contactId },
      gift: null,
      donor: { title: 'Mrs', firstName: 'Ada', lastName: 'Lovelace', houseNameOrNumber: '10', postcode: 'SW1A 2AA' },
    });
    expect((await ok(as, DECLARATION, { id: declaration.id })).giftAidDeclaration).toEqual(declaration);
    expect((await ok(as, CONTACT_DECLARATIONS, { id: contactId })).contact.giftAidDeclarations).toEqual([{ id: declaration.id, status: 'ACTIVE' }]);
    await eventually(async () => events('gift-aid-declaration.changed', declaration.id).length >= 1);
    expect(events('gift-aid-declaration.changed', declaration.id)).toEqual([
      { key: contactId, data: expect.objectContaining({ declarationId: declaration.id, contactId, status: 'ACTIVE', change: 'RECORDED', kind: 'ENDURING', method: 'WRITTEN', retroactive: false }) },
    ]);
    expect((await ok(as, AUDIT, { id: declaration.id })).fundraisingAuditEvents.edges.map((e: any) => e.node.action)).toEqual(['gift-aid-declaration.recorded']);
  });

  it('refuses bad declarations with the offending field and writes nothing', async () => {
    const tenant = newTenant();
    const as = platform.as(tenant);
    const contactId = await person(as);
    const org = (await ok(as, CREATE_CONTACT, { input: { kind: 'ORGANISATION', organisationName: 'Acme Ltd', address: ADDRESS, idempotencyKey: key() } })).createContact.contact.id;
    const noAddress = await person(as, { address: null });
    const base = { contactId, kind: 'ENDURING', method: 'WRITTEN', declaredAt: daysAgo(0), coversFrom: daysAgo(30) };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ declaredAt: daysAgo(-2), coversFrom: daysAgo(0) }, 'BAD_USER_INPUT', 'input.declaredAt'],
      [{ declaredAt: '2026-02-30' }, 'BAD_USER_INPUT', 'input.declaredAt'],
      [{ coversFrom: daysAgo(4 * 366 + 2) }, 'BAD_USER_INPUT', 'input.coversFrom'],
      [{ coversFrom: null }, 'BAD_USER_INPUT', 'input.coversFrom'],
      [{ method: 'ORAL' }, 'BAD_USER_INPUT', 'input.confirmation'],
      [{ method: 'ORAL', confirmation: { sentAt: daysAgo(-3) } }, 'BAD_USER_INPUT', 'input.confirmation.sentAt'],
      [{ kind: 'SINGLE', coversFrom: null }, 'BAD_USER_INPUT', 'input.giftId'],
      [{ kind: 'SINGLE', giftId: randomUUID() }, 'NOT_FOUND', 'input.giftId'],
      [{ method: 'CARRIER_PIGEON' }, 'BAD_USER_INPUT', 'input.method'],
      [{ contactId: org }, 'BAD_USER_INPUT', 'input.contactId'],
      [{ contactId: noAddress }, 'BAD_USER_INPUT', 'input.contactId'],
      [{ contactId: randomUUID() }, 'NOT_FOUND', 'input.contactId'],
      [{ contactId: 'not-a-uuid' }, 'NOT_FOUND', 'input.contactId'],
      [{ idempotencyKey: '' }, 'BAD_USER_INPUT', 'input.idempotencyKey'],
    ];
    for (const [override, code, field] of cases) {
      await expectRejected(as, tenant, RECORD, { input: { ...base, idempotencyKey: key(), ...override } }, code, field);
    }
    expect((await footprint(tenant)).declarations).toBe('0');
  });

  it('keeps one active enduring declaration: a new one supersedes the old, which still covers earlier gifts', async () => {
    const tenant = newTenant();
    const as = platform.as(tenant);
    const contactId = await person(as);
    const first = (await declare(as, contactId, { declaredAt: daysAgo(100), coversFrom: daysAgo(400) })).declaration;
    const old = await gift(as, contactId, 5000, 300); // covered only by the first declaration
    const second = await declare(as, contactId, { declaredAt: daysAgo(10), coversFrom: daysAgo(50) });
    expect(second.superseded).toEqual([{ id: first.id, status: 'SUPERSEDED', coversTo: daysAgo(11) }]);
    const list = (await ok(as, CONTACT_DECLARATIONS, { id: contactId })).contact.giftAidDeclarations;
    expect(list).toEqual([
      { id: second.declaration.id, status: 'ACTIVE' },
      { id: first.id, status: 'SUPERSEDED' },
    ]);
    expect((await ok(as, DECLARATION, { id: first.id })).giftAidDeclaration.supersededById).toBe(second.declaration.id);
    expect(await status(as, old)).toEqual({ eligible: true, reason: 'ELIGIBLE', claimId: null });
    // A single declaration does not supersede anything.
    const extra = await gift(as, contactId, 3000, 600);
    const single = await declare(as, contactId, { kind: 'SINGLE', coversFrom: null, giftId: extra, method: 'ONLINE' });
    expect(single.superseded).toEqual([]);
    expect(single.declaration).toMatchObject({ kind: 'SINGLE', gift: { id: extra }, coversFrom: daysAgo(600), coversTo: daysAgo(600) });
    expect(await status(as, extra)).toMatchObject({ eligible: true, reason: 'ELIGIBLE' });
    await expectRejected(as, tenant, RECORD, { input: { contactId, kind: 'SINGLE', method: 'ONLINE', declaredAt: daysAgo(0), giftId: extra, idempotencyKey: key() } }, 'CONFLICT', 'input.giftId');
    // A "newer" declaration made before the active one is refused.
    await expectRejected(as, tenant, RECORD, { input: { contactId, kind: 'ENDURING', method: 'WRITTEN', declaredAt: daysAgo(20), coversFrom: daysAgo(20), idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.declaredAt');
    await eventually(async () => events('gift-aid-declaration.changed', first.id).length >= 2);
    expect(events('gift-aid-declaration.changed', first.id).map((e) => e.data.change)).toEqual(['RECORDED', 'SUPERSEDED']);
  });

  it('cancels from a date on: gifts before it stay covered', async () => {
    const tenant = newTenant();
    const as = platform.as(tenant);
    const contactId = await person(as);
    const { declaration } = await declare(as, contactId, { declaredAt: daysAgo(100), coversFrom: daysAgo(400) });
    const before = await gift(as, contactId, 5000, 20);
    const after = await gift(as, contactId, 5000, 5);
    await expectRejected(as, tenant, CANCEL, { input: { declarationId: declaration.id, reason: '  ', idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.reason');
    await expectRejected(as, tenant, CANCEL, { input: { declarationId: declaration.id, reason: 'asked', cancelledAt: daysAgo(-1), idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.cancelledAt');
    await expectRejected(as, tenant, CANCEL, { input: { declarationId: declaration.id, reason: 'asked', cancelledAt: daysAgo(101), idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.cancelledAt');
    await expectRejected(as, tenant, CANCEL, { input: { declarationId: randomUUID(), reason: 'asked', idempotencyKey: key() } }, 'NOT_FOUND', 'input.declarationId');
    const cancelKey = key();
    const input = { declarationId: declaration.id, reason: 'Donor no longer pays UK tax', cancelledAt: daysAgo(10), idempotencyKey: cancelKey };
    const cancelled = (await ok(as, CANCEL, { input })).cancelGiftAidDeclaration.declaration;
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelledAt: daysAgo(10), cancellationReason: 'Donor no longer pays UK tax', coversTo: daysAgo(11), retroactivelyCancelled: false });
    expect(await status(as, before)).toMatchObject({ eligible: true, reason: 'ELIGIBLE' });
    expect(await status(as, after)).toMatchObject({ eligible: false, reason: 'NO_DECLARATION' });
    // Replay returns the same result; the same key with other input is refused.
    expect((await ok(as, CANCEL, { input })).cancelGiftAidDeclaration.declaration).toEqual(cancelled);
    await expectRejected(as, tenant, CANCEL, { input: { ...input, reason: 'other' } }, 'IDEMPOTENCY_CONFLICT', 'input.idempotencyKey');
    await expectRejected(as, tenant, CANCEL, { input: { ...input, idempotencyKey: key() } }, 'CONFLICT', 'input.declarationId');
    expect((await ok(as, AUDIT, { id: declaration.id })).fundraisingAuditEvents.edges.map((e: any) => e.node.action)).toEqual(['gift-aid-declaration.recorded', 'gift-aid-declaration.cancelled']);
  });

  it('cancels an oral declaration within 30 days of its written record as if never made; later only from then on', async () => {
    const tenant = newTenant();
    const as = platform.as(tenant);
    const recent = await person(as);
    const recentDecl = (await declare(as, recent, { method: 'ORAL', declaredAt: daysAgo(10), coversFrom: daysAgo(200), confirmation: { sentAt: daysAgo(9), reference: 'LTR-42' } })).declaration;
    expect(recentDecl).toMatchObject({ confirmationSentAt: daysAgo(9), confirmationReference: 'LTR-42' });
    const recentGift = await gift(as, recent, 5000, 100);
    expect(await status(as, recentGift)).toMatchObject({ reason: 'ELIGIBLE' });
    const c1 = (await ok(as, CANCEL, { input: { declarationId: recentDecl.id, reason: 'Changed mind', idempotencyKey: key() } })).cancelGiftAidDeclaration.declaration;
    expect(c1).toMatchObject({ status: 'CANCELLED', retroactivelyCancelled: true });
    expect(await status(as, recentGift)).toMatchObject({ eligible: false, reason: 'NO_DECLARATION' });

    const older = await person(as);
    const olderDecl = (await declare(as, older, { method: 'ORAL', declaredAt: daysAgo(60), coversFrom: daysAgo(200), confirmation: { sentAt: daysAgo(59) } })).declaration;
    const olderGift = await gift(as, older, 5000, 100);
    const c2 = (await ok(as, CANCEL, { input: { declarationId: olderDecl.id, reason: 'Changed mind', idempotencyKey: key() } })).cancelGiftAidDeclaration.declaration;
    expect(c2).toMatchObject({ status: 'CANCELLED', retroactivelyCancelled: false, coversTo: daysAgo(1) });
    expect(await status(as, olderGift)).toMatchObject({ eligible: true, reason: 'ELIGIBLE' });
    await eventually(async () => events('gift-aid-declaration.changed', recentDecl.id).length >= 2);
    expect(events('gift-aid-declaration.changed', recentDecl.id).map((e) => [e.data.change, e.data.retroactive])).toEqual([
      ['RECORDED', false],
      ['CANCELLED', true],
    ]);
  });

  it('replays a recorded declaration by idempotency key', async () => {
    const tenant = newTenant();
    const as = platform.as(tenant);
    const contactId = await person(as);
    const input = { contactId, kind: 'ENDURING', method: 'ONLINE', declaredAt: daysAgo(0), coversFrom: daysAgo(10), idempotencyKey: key() };
    const a = (await ok(as, RECORD, { input })).recordGiftAidDeclaration.declaration;
    const b = (await ok(as, RECORD, { input })).recordGiftAidDeclaration.declaration;
    expect(b.id).toBe(a.id);
    expect((await footprint(tenant)).declarations).toBe('1');
    await expectRejected(as, tenant, RECORD, { input: { ...input, coversFrom: daysAgo(11) } }, 'IDEMPOTENCY_CONFLICT', 'input.idempotencyKey');
  });

  it('hides one tenant’s declarations from another', async () => {
    const a = platform.as(newTenant());
    const bTenant = newTenant();
    const b = platform.as(bTenant);
    const contactId = await person(a);
    const { declaration } = await declare(a, contactId);
    expect((await ok(b, DECLARATION, { id: declaration.id })).giftAidDeclaration).toBeNull();
    expect((await ok(b, CONTACT_DECLARATIONS, { id: contactId })).contact).toBeNull();
    await expectRejected(b, bTenant, CANCEL, { input: { declarationId: declaration.id, reason: 'x', idempotencyKey: key() } }, 'NOT_FOUND', 'input.declarationId');
    await expectRejected(b, bTenant, RECORD, { input: { contactId, kind: 'ENDURING', method: 'WRITTEN', declaredAt: daysAgo(0), coversFrom: daysAgo(1), idempotencyKey: key() } }, 'NOT_FOUND', 'input.contactId');
    expect((await ok(a, DECLARATION, { id: declaration.id })).giftAidDeclaration.status).toBe('ACTIVE');
  });
});

describe('eligibility per gift', () => {
  it('gives each gift a reason, batched for a list of gifts', async () => {
    const as = platform.as(newTenant());
    const donor = await person(as);
    await declare(as, donor, { coversFrom: daysAgo(365) });
    const undeclared = await person(as);
    const org = (await ok(as, CREATE_CONTACT, { input: { kind: 'ORGANISATION', organisationName: 'Acme Ltd', address: ADDRESS, idempotencyKey: key() } })).createContact.contact.id;
    const cases: [string, string][] = [
      [await gift(as, donor, 5000), 'ELIGIBLE'],
      [await gift(as, donor, 5000, 400), 'NO_DECLARATION'],
      [(await ok(as, RECORD_GIFT, { input: { contactId: donor, amount: { amountMinor: 5000, currency: 'EUR' }, receivedAt: instantDaysAgo(1), idempotencyKey: key() } })).recordGift.gift.id, 'NOT_GBP'],
      [await gift(as, donor, 5000, 1, { benefitMinor: 1251 }), 'BENEFITS_EXCEED_LIMIT'],
      [await gift(as, donor, 5000, 1, { benefitMinor: 1250 }), 'ELIGIBLE'],
      [await gift(as, donor, 5000, 1, { kind: 'PLEDGE' }), 'PLEDGE_NOT_PAID'],
      [await gift(as, undeclared, 5000), 'NO_DECLARATION'],
      [await gift(as, org, 5000), 'NOT_INDIVIDUAL'],
    ];
    const refunded = await gift(as, donor, 5000);
    await ok(as, REFUND_GIFT, { input: { giftId: refunded, idempotencyKey: key() } });
    cases.push([refunded, 'REFUNDED']);
    const q = `query { ${cases.map(([id], i) => `g${i}: gift(id: "${id}") { giftAid { eligible reason claimId } }`).join(' ')} }`;
    const data = await ok(as, q);
    expect(cases.map((_, i) => data[`g${i}`].giftAid.reason)).toEqual(cases.map(([, reason]) => reason));
    expect(cases.map((_, i) => data[`g${i}`].giftAid.eligible)).toEqual(cases.map(([, reason]) => reason === 'ELIGIBLE'));
  });

  it('caps a donor’s benefits at £2,500 in a tax year', async () => {
    const as = platform.as(newTenant());
    const donor = await person(as);
    await declare(as, donor);
    // £10,000 gifts may each carry £520 of benefits (£25 + 5% of £9,900); the fifth takes the year to £2,600.
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push(await gift(as, donor, 1_000_000, 1, { benefitMinor: 52_000, receivedAt: `${daysAgo(1)}T0${i}:00:00Z` }));
    const plain = await gift(as, donor, 5000, 1, { receivedAt: `${daysAgo(1)}T07:00:00Z` });
    const reasons = await Promise.all([...ids, plain].map(async (id) => (await status(as, id)).reason));
    expect(reasons).toEqual(['ELIGIBLE', 'ELIGIBLE', 'ELIGIBLE', 'ELIGIBLE', 'BENEFITS_EXCEED_LIMIT', 'ELIGIBLE']);
  });
});

describe('claims', () => {
  it('claims every eligible gift exactly once and produces HMRC’s schedule', async () => {
    const tenant = newTenant();
    const as = platform.as(tenant);
    const ada = await person(as, { title: 'Professor', firstName: 'Augusta Ada', lastName: 'King-Noel, Countess of Lovelace and Baroness', address: { houseNameOrNumber: 'Flat 2, Ockham Park House', postcode: 'gu23 6nl' } });
    const charles = await person(as, { title: 'Mr.', firstName: 'Charles', lastName: 'Babbage', address: { houseNameOrNumber: '1', line1: 'Dorset Street', postcode: 'w1u 4ea' } });
    const abroad = await person(as, { title: 'Dr', firstName: 'Mary', lastName: 'Somerville', address: { houseNameOrNumber: '5', line1: 'Via Roma', city: 'Napoli', postcode: '80121', country: 'IT' } });
    const undeclared = await person(as);
    for (const c of [ada, charles, abroad]) await declare(as, c, { coversFrom: daysAgo(365) });
    const big = await gift(as, ada, 123_450, 3);
    const exact20 = await gift(as, charles, 2000, 4); // £20.00 exactly: aggregated ("£20 or less")
    const small = await gift(as, charles, 500, 2);
    const over20 = await gift(as, abroad, 2001, 5);
    const excluded = [await gift(as, undeclared, 9999, 2), (await ok(as, RECORD_GIFT, { input: { contactId: ada, amount: { amountMinor: 5000, currency: 'USD' }, receivedAt: instantDaysAgo(1), idempotencyKey: key() } })).recordGift.gift.id];
    const later = await gift(as, charles, 7000, 0); // received today, after upTo

    const c1 = await claim(as, { upTo: daysAgo(1) });
    expect(c1).toMatchObject({
      upTo: daysAgo(1),
      giftCount: 4,
      rowCount: 3,
      scheduleTotalMinor: 123_450 + 2000 + 500 + 2001,
      totalDonationsMinor: 127_951,
      adjustmentTotalMinor: 0,
      adjustmentTaxMinor: 0,
      taxRecoverableMinor: Math.floor(127_951 / 4),
      aggregationThresholdMinor: 2000,
      adjustments: [],
    });
    const files = await schedule(as, c1.id);
    expect(files.map((f) => f.fileName)).toEqual([`gift-aid-claim-${c1.id.slice(0, 8)}-part-1-of-1.csv`]);
    expect(parse(files[0]!.csv)).toEqual([
      ['Title', 'First name or initial', 'Last name', 'House name or number', 'Postcode', 'Aggregated donations', 'Sponsored event', 'Donation date', 'Amount'],
      ['Dr', 'Mary', 'Somerville', '5', 'X', '', '', ddmmyy(daysAgo(5)), '20.01'],
      ['Prof', 'Augusta Ada', 'King-Noel, Countess of Lovelace and', 'Flat 2, Ockham Park House', 'GU23 6NL', '', '', ddmmyy(daysAgo(3)), '1234.50'],
      ['', '', '', '', '', 'Small donations', '', ddmmyy(daysAgo(2)), '25.00'],
    ]);
    for (const id of [big, exact20, small, over20]) expect(await status(as, id)).toEqual({ eligible: false, reason: 'ALREADY_CLAIMED', claimId: c1.id });
    for (const id of excluded) expect((await status(as, id)).claimId).toBeNull();

    // The second claim gets none of them: only the gift received after the first claim's upTo.
    const c2 = await claim(as);
    expect(c2).toMatchObject({ giftCount: 1, rowCount: 1, scheduleTotalMinor: 7000 });
    expect(await status(as, later)).toMatchObject({ claimId: c2.id });
    await expectRejected(as, tenant, CLAIM, { input: { upTo: daysAgo(0), idempotencyKey: key() } }, 'CONFLICT', 'input.upTo');
    const perGift = await rows(tenant, `SELECT gift_id, count(*)::int AS n FROM gift_aid_claim_items WHERE kind = 'CLAIM' GROUP BY gift_id HAVING count(*) > 1`);
    expect(perGift).toEqual([]);

    // Re-downloading gives the same files.
    expect(await schedule(as, c1.id)).toEqual(files);
    await eventually(async () => events('gift-aid-claim.created', c1.id).length >= 1);
    expect(events('gift-aid-claim.created', c1.id)).toEqual([
      { key: c1.id, data: { claimId: c1.id, upTo: daysAgo(1), rowCount: 3, totalDonationsMinor: 127_951, taxRecoverableMinor: 31_987, adjustmentMinor: 0 } },
    ]);
    expect((await ok(as, AUDIT, { id: c1.id })).fundraisingAuditEvents.edges.map((e: any) => e.node.action)).toEqual(['gift-aid-claim.created']);
    // Newest first, keyset pages.
    const page1 = (await ok(as, CLAIMS)).giftAidClaims;
    expect(page1.edges.map((e: any) => e.node.id)).toEqual([c2.id, c1.id]);
    expect(page1.pageInfo.hasNextPage).toBe(false);
    // Amounts are Money (GBP); the bare *Minor fields are deprecated but still agree.
    const money = (await ok(as, `query($id: ID!) { giftAidClaim(id: $id) { taxRecoverable { amountMinor currency } taxRecoverableMinor totalDonations { amountMinor currency } totalDonationsMinor aggregationThreshold { amountMinor } aggregationThresholdMinor } }`, { id: c1.id })).giftAidClaim;
    expect(money).toEqual({
      taxRecoverable: { amountMinor: 31_987, currency: 'GBP' },
      taxRecoverableMinor: 31_987,
      totalDonations: { amountMinor: 127_951, currency: 'GBP' },
      totalDonationsMinor: 127_951,
      aggregationThreshold: { amountMinor: money.aggregationThresholdMinor },
      aggregationThresholdMinor: money.aggregationThresholdMinor,
    });
    // One at a time: each page knows its neighbours and its first and last cursors.
    const PAGE = `query($after: String) { giftAidClaims(first: 1, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    const first = (await ok(as, PAGE)).giftAidClaims;
    expect(first.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: first.edges[0].cursor, endCursor: first.edges[0].cursor });
    const second = (await ok(as, PAGE, { after: first.pageInfo.endCursor })).giftAidClaims;
    expect(second.edges.map((e: any) => e.node.id)).toEqual([c1.id]);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true, startCursor: second.edges[0].cursor });
  });

  it('refuses bad claims and replays by idempotency key', async () => {
    const tenant = newTenant();
    const as = platform.as(tenant);
    await expectRejected(as, tenant, CLAIM, { input: { upTo: daysAgo(-1), idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.upTo');
    await expectRejected(as, tenant, CLAIM, { input: { upTo: '2026-13-01', idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.upTo');
    await expectRejected(as, tenant, CLAIM, { input: { upTo: daysAgo(0), idempotencyKey: key() } }, 'CONFLICT', 'input.upTo');
    const donor = await person(as);
    await declare(as, donor);
    await gift(as, donor, 5000);
    const input = { upTo: daysAgo(0), idempotencyKey: key() };
    const first = await claim(as, input);
    const replay = await claim(as, input);
    expect(replay).toEqual(first);
    await expectRejected(as, tenant, CLAIM, { input: { ...input, upTo: daysAgo(1) } }, 'IDEMPOTENCY_CONFLICT', 'input.idempotencyKey');
    expect((await footprint(tenant)).claims).toBe('1');
  });

  it('never puts a gift in two claims when claims are made concurrently', async () => {
    const tenant = newTenant();
    const as = platform.as(tenant);
    const donor = await person(as);
    await declare(as, donor);
    const gifts = await Promise.all(Array.from({ length: 12 }, (_, i) => gift(as, donor, 3000 + i, 1 + (i % 5))));
    const results = await Promise.all(Array.from({ length: 4 }, () => as(CLAIM, { input: { upTo: daysAgo(0), idempotencyKey: key() } })));
    const made = results.filter((r) => !r.errors);
    const refused = results.filter((r) => r.errors);
    expect(made).toHaveLength(1);
    expect(refused.map((r) => r.errors![0]!.extensions!.code)).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT']);
    expect(made[0]!.data.createGiftAidClaim.claim.giftCount).toBe(gifts.length);
    const items = await rows(tenant, `SELECT gift_id FROM gift_aid_claim_items WHERE kind = 'CLAIM'`);
    expect(items.map((r) => r.gift_id).sort()).toEqual([...gifts].sort());
  });

  it('reports a refund after claiming as an adjustment in the next claim', async () => {
    const tenant = newTenant();
    const as = platform.as(tenant);
    const donor = await person(as);
    await declare(as, donor);
    const claimed = await gift(as, donor, 10_000, 5);
    const c1 = await claim(as);
    await ok(as, REFUND_GIFT, { input: { giftId: claimed, amount: { amountMinor: 4000, currency: 'GBP' }, reason: 'Duplicate payment', idempotencyKey: key() } });
    expect(await status(as, claimed)).toMatchObject({ reason: 'ALREADY_CLAIMED', claimId: c1.id });
    await gift(as, donor, 3000, 1);
    const c2 = await claim(as);
    expect(c2).toMatchObject({
      giftCount: 1,
      scheduleTotalMinor: 3000,
      adjustmentTotalMinor: -4000,
      totalDonationsMinor: -1000,
      adjustmentTaxMinor: 1000,
      taxRecoverableMinor: 750 - 1000,
      adjustments: [{ gift: { id: claimed }, amountMinor: -4000, originalClaimId: c1.id, reason: 'REFUNDED' }],
    });
    // The schedule lists donations only; the adjustment is not a row.
    expect(parse((await schedule(as, c2.id))[0]!.csv)).toHaveLength(2);
    await eventually(async () => events('gift-aid-claim.created', c2.id).length >= 1);
    expect(events('gift-aid-claim.created', c2.id)[0]!.data).toMatchObject({ adjustmentMinor: -4000, totalDonationsMinor: -1000 });
    // Refunding the rest adjusts only what was not adjusted yet; an adjustment is never repeated.
    await ok(as, REFUND_GIFT, { input: { giftId: claimed, idempotencyKey: key() } });
    await gift(as, donor, 3000, 1);
    const c3 = await claim(as);
    expect(c3.adjustments).toEqual([{ gift: { id: claimed }, amountMinor: -6000, originalClaimId: c1.id, reason: 'REFUNDED' }]);
    await gift(as, donor, 3000, 1);
    expect((await claim(as)).adjustments).toEqual([]);
  });

  it('adjusts gifts claimed under an oral declaration the donor cancelled within 30 days', async () => {
    const as = platform.as(newTenant());
    const donor = await person(as);
    const { declaration } = await declare(as, donor, { method: 'ORAL', declaredAt: daysAgo(5), coversFrom: daysAgo(100), confirmation: { sentAt: daysAgo(5) } });
    const claimed = await gift(as, donor, 2500, 50);
    const c1 = await claim(as);
    await ok(as, CANCEL, { input: { declarationId: declaration.id, reason: 'Not a taxpayer', idempotencyKey: key() } });
    const other = await person(as);
    await declare(as, other);
    await gift(as, other, 5000, 1);
    const c2 = await claim(as);
    expect(c2.adjustments).toEqual([{ gift: { id: claimed }, amountMinor: -2500, originalClaimId: c1.id, reason: 'DECLARATION_CANCELLED' }]);
  });

  it('uses the erased donor’s details from the declaration and the threshold in force on the claim date', async () => {
    const tenant = newTenant();
    const as = platform.as(tenant);
    await expectRejected(as, tenant, THRESHOLD, { input: { effectiveFrom: daysAgo(0), amountMinor: -1, idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.amountMinor');
    await expectRejected(as, tenant, THRESHOLD, { input: { effectiveFrom: daysAgo(0), amountMinor: 100_001, idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.amountMinor');
    await expectRejected(as, tenant, THRESHOLD, { input: { effectiveFrom: '2026-02-29', amountMinor: 1000, idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.effectiveFrom');
    const input = { effectiveFrom: daysAgo(1), amountMinor: 1000, idempotencyKey: key() };
    expect((await ok(as, THRESHOLD, { input })).setGiftAidAggregationThreshold.threshold).toEqual({ effectiveFrom: daysAgo(1), amountMinor: 1000 });
    expect((await ok(as, THRESHOLD, { input })).setGiftAidAggregationThreshold.threshold).toEqual({ effectiveFrom: daysAgo(1), amountMinor: 1000 });
    await expectRejected(as, tenant, THRESHOLD, { input: { ...input, amountMinor: 1500 } }, 'IDEMPOTENCY_CONFLICT', 'input.idempotencyKey');
    await ok(as, THRESHOLD, { input: { effectiveFrom: daysAgo(-30), amountMinor: 3000, idempotencyKey: key() } }); // not yet in force
    expect((await ok(as, THRESHOLDS)).giftAidAggregationThresholds).toEqual([
      { effectiveFrom: daysAgo(1), amountMinor: 1000 },
      { effectiveFrom: daysAgo(-30), amountMinor: 3000 },
    ]);
    expect((await ok(platform.as(newTenant()), THRESHOLDS)).giftAidAggregationThresholds).toEqual([]);

    const donor = await person(as, { title: 'Ms', firstName: 'Grace', lastName: 'Hopper', address: { houseNameOrNumber: '7', postcode: 'EC1A 1BB' } });
    await declare(as, donor);
    await gift(as, donor, 1500, 2); // above £10: listed individually
    await gift(as, donor, 900, 2); // aggregated
    // Erase the donor the way the contacts module does (details gone, row kept).
    await rows(tenant, `UPDATE contacts SET erased_at = now(), title = NULL, first_name = NULL, last_name = 'Erased', house_name_or_number = NULL, postcode = NULL WHERE id = $1`, [donor]);
    const c = await claim(as);
    expect(c).toMatchObject({ aggregationThresholdMinor: 1000, rowCount: 2 });
    expect(parse((await schedule(as, c.id))[0]!.csv).slice(1)).toEqual([
      ['Ms', 'Grace', 'Hopper', '7', 'EC1A 1BB', '', '', ddmmyy(daysAgo(2)), '15.00'],
      ['', '', '', '', '', 'Small donations', '', ddmmyy(daysAgo(2)), '9.00'],
    ]);
  });

  it('keeps claims apart between tenants', async () => {
    const aTenant = newTenant();
    const a = platform.as(aTenant);
    const b = platform.as(newTenant());
    const aDonor = await person(a);
    const bDonor = await person(b);
    await declare(a, aDonor);
    await declare(b, bDonor);
    const aGift = await gift(a, aDonor, 5000);
    const bGift = await gift(b, bDonor, 7000);
    const aClaim = await claim(a);
    expect(aClaim).toMatchObject({ giftCount: 1, scheduleTotalMinor: 5000 });
    expect(await status(b, bGift)).toMatchObject({ eligible: true, claimId: null });
    expect((await ok(b, GET_CLAIM, { id: aClaim.id })).giftAidClaim).toBeNull();
    expect((await ok(b, CLAIMS)).giftAidClaims.edges).toEqual([]);
    expect((await ok(b, GIFT_AID, { id: aGift })).gift).toBeNull();
    const bClaim = await claim(b);
    expect(bClaim).toMatchObject({ giftCount: 1, scheduleTotalMinor: 7000 });
    expect((await ok(a, CLAIMS)).giftAidClaims.edges.map((e: any) => e.node.id)).toEqual([aClaim.id]);
    expect((await ok(a, GET_CLAIM, { id: bClaim.id })).giftAidClaim).toBeNull();
  });

  it('claims thousands of gifts set-based and splits the schedule at 1,000 rows', async () => {
    const tenant = newTenant();
    const as = platform.as(tenant);
    const donor = await person(as);
    await declare(as, donor);
    const other = await person(as, { firstName: 'Alan', lastName: 'Turing' });
    await declare(as, other);
    // 2,400 individual rows (£25.00 + i pence) and 600 aggregated £10 gifts (6 rows of £1,000).
    await rows(
      tenant,
      `INSERT INTO gifts (id, tenant_id, contact_id, amount_minor, currency, received_at, created_at)
       SELECT gen_random_uuid(), $1, CASE WHEN i % 2 = 0 THEN $2::uuid ELSE $3::uuid END, CASE WHEN i <= 2400 THEN 2500 + i ELSE 1000 END, 'GBP',
              now() - interval '1 day' - (i * interval '1 minute'), now()
       FROM generate_series(1, 3000) AS i`,
      [tenant, donor, other],
    );
    const started = Date.now();
    const c = await claim(as);
    const elapsed = Date.now() - started;
    expect(c).toMatchObject({ giftCount: 3000, rowCount: 2406 });
    expect(elapsed).toBeLessThan(15_000);
    const files = await schedule(as, c.id);
    const short = c.id.slice(0, 8);
    expect(files.map((f) => f.fileName)).toEqual([1, 2, 3].map((n) => `gift-aid-claim-${short}-part-${n}-of-3.csv`));
    const parsed = files.map((f) => parse(f.csv) as string[][]);
    expect(parsed.map((p) => p.length - 1)).toEqual([1000, 1000, 406]);
    const body = parsed.flatMap((p) => p.slice(1));
    const aggregated = body.filter((r) => r[5] === 'Small donations');
    expect(aggregated.map((r) => r[8])).toEqual(Array(6).fill('1000.00'));
    const total = body.reduce((s, r) => s + Math.round(Number(r[8]) * 100), 0);
    expect(total).toBe(c.scheduleTotalMinor);
    await expectRejected(as, tenant, CLAIM, { input: { upTo: daysAgo(0), idempotencyKey: key() } }, 'CONFLICT', 'input.upTo');
  });
});
