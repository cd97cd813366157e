// End to end through the gateway, with every service on real PostgreSQL and events over a real
// Kafka broker: the federated slice, idempotency, tenant isolation, event redelivery, poison
// events, bad input and audit.
import { randomBytes, randomUUID } from 'node:crypto';
import { KafkaTransport, toTransportMessage, withTenant, type TransportMessage } from '@commonhold/kit';
import { bearer, eventually, gql } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';

let platform: TestPlatform;
let acme: ReturnType<TestPlatform['as']>;
let bravo: ReturnType<TestPlatform['as']>;
let watcher: KafkaTransport;
const seen: TransportMessage[] = [];

const CREATE_CONTACT = `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id firstName lastName email } } }`;
const RECORD_GIFT = `mutation($input: RecordGiftInput!) { recordGift(input: $input) { gift { id amount { amountMinor currency } receivedAt } } }`;
const REGISTER = `mutation($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { volunteerProfile { status registeredAt } } }`;
const GIVING = `query($id: ID!) { contact(id: $id) { giving { lifetimeTotal { amountMinor currency } giftCount lastGiftDate } gifts(first: 100) { edges { node { id } } } } }`;

const key = () => `k-${randomUUID()}`;

async function newContact(as = acme, input: Record<string, unknown> = {}) {
  const r = await as(CREATE_CONTACT, { input: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', idempotencyKey: key(), ...input } });
  expect(r.errors).toBeUndefined();
  return r.data.createContact.contact.id as string;
}

async function gift(contactId: string, amountMinor = 2500, as = acme, idempotencyKey = key()) {
  return as(RECORD_GIFT, { input: { contactId, amount: { amountMinor, currency: 'GBP' }, receivedAt: '2026-11-01T10:00:00Z', idempotencyKey } });
}

const giving = async (contactId: string, as = acme) => (await as(GIVING, { id: contactId })).data?.contact;

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'kafka' });
  acme = platform.as('acme');
  bravo = platform.as('bravo');
  // A separate client on the same namespaced topics watches what really crosses the broker.
  watcher = new KafkaTransport({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'e2e-watcher', topicPrefix: `${platform.prefix}.` });
  await watcher.connect();
  await watcher.subscribe('e2e.watcher', ['fundraising.gift', 'fundraising.gift.dlq'], async (m) => {
    seen.push(m);
  });
}, 120_000);

afterAll(async () => {
  await watcher?.close();
  await platform?.stop();
});

describe('the federated slice', () => {
  it('resolves a gift with its contact’s giving (fundraising) and volunteer profile (volunteers)', async () => {
    const contactId = await newContact();
    // volunteers learns of the contact only from fundraising's contact.created event.
    const registerKey = key();
    await eventually(async () => !(await acme(REGISTER, { input: { contactId, idempotencyKey: registerKey } })).errors);
    const g = await gift(contactId, 2500);
    expect(g.errors).toBeUndefined();
    const giftId = g.data.recordGift.gift.id;

    const query = `query($id: ID!) { gift(id: $id) { amount { amountMinor } contact { giving { lifetimeTotal { amountMinor } } volunteerProfile { status } } } }`;
    const r = await eventually(async () => {
      const res = await acme(query, { id: giftId });
      return res.data?.gift.contact.giving.lifetimeTotal.amountMinor === 2500 ? res : undefined;
    });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ gift: { amount: { amountMinor: 2500 }, contact: { giving: { lifetimeTotal: { amountMinor: 2500 } }, volunteerProfile: { status: 'ACTIVE' } } } });
  });

  it('erases the volunteer projection’s copy of a contact’s name when fundraising erases the contact, and a redelivered contact.created cannot bring it back', async () => {
    const contactId = await newContact(acme, { firstName: 'Grace', lastName: 'Hopper' });
    const registerKey = key();
    await eventually(async () => !(await acme(REGISTER, { input: { contactId, idempotencyKey: registerKey } })).errors);
    const volunteers = platform.services.volunteers!.runtime.ds;
    const row = async () =>
      (await withTenant(volunteers, 'acme', (m) => m.query('SELECT first_name, last_name, erased_at FROM known_contacts WHERE contact_id = $1', [contactId])))[0];
    expect(await row()).toMatchObject({ first_name: 'Grace', last_name: 'Hopper', erased_at: null });

    const erased = await acme(`mutation($input: EraseContactInput!) { eraseContact(input: $input) { contact { id } } }`, { input: { contactId, reason: 'GDPR request ref 1', idempotencyKey: key() } });
    expect(erased.errors).toBeUndefined();
    const after = await eventually(async () => {
      const r = await row();
      return r?.erased_at ? r : undefined;
    });
    expect(after).toMatchObject({ first_name: '', last_name: '' });

    // The old contact.created arriving again (redelivery, replay) leaves the erasure in place.
    await platform.services.volunteers!.runtime.transport.publish([
      toTransportMessage({ eventId: randomUUID(), tenantId: 'acme', topic: 'fundraising.contact', key: contactId, type: 'commonhold.fundraising.contact.created.v1', source: 'fundraising', subject: contactId, data: { contactId, firstName: 'Grace', lastName: 'Hopper' }, time: new Date().toISOString() }),
    ]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await row()).toMatchObject({ first_name: '', last_name: '' });
    // The volunteer profile itself (no personal data) is still there.
    const profile = await acme(`query($id: ID!) { contact(id: $id) { volunteerProfile { status } } }`, { id: contactId });
    expect(profile.data?.contact?.volunteerProfile).toEqual({ status: 'ACTIVE' });
  });

  it('keeps giving rollups across several gifts and currencies', async () => {
    const contactId = await newContact();
    expect(await giving(contactId)).toMatchObject({ giving: { lifetimeTotal: { amountMinor: 0, currency: 'GBP' }, giftCount: 0, lastGiftDate: null } });
    await gift(contactId, 1000);
    await gift(contactId, 1500);
    await acme(RECORD_GIFT, { input: { contactId, amount: { amountMinor: 700, currency: 'EUR' }, receivedAt: '2026-11-05T09:30:00Z', idempotencyKey: key() } });
    const c = await eventually(async () => {
      const v = await giving(contactId);
      return v?.giving.giftCount === 3 ? v : undefined;
    });
    expect(c.giving).toEqual({ lifetimeTotal: { amountMinor: 2500, currency: 'GBP' }, giftCount: 3, lastGiftDate: '2026-11-05T09:30:00.000Z' });
  });

  it('refuses to register a volunteer for a contact it has never heard of', async () => {
    const r = await acme(REGISTER, { input: { contactId: randomUUID(), idempotencyKey: key() } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.contactId' });
  });

  it('pages gifts with opaque cursors and rejects a forged cursor', async () => {
    const contactId = await newContact();
    for (const n of [1, 2, 3]) await gift(contactId, 100 * n);
    const page = `query($id: ID!, $after: String) { contact(id: $id) { gifts(first: 2, after: $after) { edges { cursor node { id amount { amountMinor } } } pageInfo { hasNextPage endCursor } } } }`;
    const p1 = (await acme(page, { id: contactId })).data.contact.gifts;
    expect(p1.edges).toHaveLength(2);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = (await acme(page, { id: contactId, after: p1.pageInfo.endCursor })).data.contact.gifts;
    expect(p2.edges).toHaveLength(1);
    expect(p2.pageInfo.hasNextPage).toBe(false);
    const all = [...p1.edges, ...p2.edges].map((e: { node: { amount: { amountMinor: number } } }) => e.node.amount.amountMinor);
    expect(all.sort()).toEqual([100, 200, 300]);
    const forged = await acme(`query { gifts(first: 2, after: "not-a-cursor") { edges { node { id } } } }`);
    expect(forged.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const tooMany = await acme(`query { gifts(first: 101) { edges { node { id } } } }`);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('idempotency', () => {
  it('returns the same gift for the same key and input, and records it once', async () => {
    const contactId = await newContact();
    const k = key();
    const first = await gift(contactId, 4200, acme, k);
    const again = await gift(contactId, 4200, acme, k);
    expect(again.data.recordGift.gift.id).toBe(first.data.recordGift.gift.id);
    expect((await giving(contactId)).gifts.edges).toHaveLength(1);
  });

  it('answers IDEMPOTENCY_CONFLICT for the same key with other input, writing nothing', async () => {
    const contactId = await newContact();
    const k = key();
    await gift(contactId, 4200, acme, k);
    const other = await gift(contactId, 9999, acme, k);
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', field: 'input.idempotencyKey' });
    expect((await giving(contactId)).gifts.edges).toHaveLength(1);
  });

  it('records one gift and one rollup increment for ten concurrent replays', async () => {
    const contactId = await newContact();
    const k = key();
    const results = await Promise.all(Array.from({ length: 10 }, () => gift(contactId, 1234, acme, k)));
    for (const r of results) expect(r.errors).toBeUndefined();
    expect(new Set(results.map((r) => r.data.recordGift.gift.id)).size).toBe(1);
    expect((await giving(contactId)).gifts.edges).toHaveLength(1);
    await gift(contactId, 1); // a later gift of the same contact: once it lands, the first has too
    const c = await eventually(async () => {
      const v = await giving(contactId);
      return v?.giving.giftCount === 2 ? v : undefined;
    });
    expect(c.giving.lifetimeTotal.amountMinor).toBe(1235);
  });

  it('scopes keys per tenant: another tenant may use the same key', async () => {
    const k = key();
    const a = await gift(await newContact(acme), 500, acme, k);
    const b = await gift(await newContact(bravo), 700, bravo, k);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(b.data.recordGift.gift.id).not.toBe(a.data.recordGift.gift.id);
  });
});

describe('tenant isolation', () => {
  let giftId: string;
  let contactId: string;
  beforeAll(async () => {
    contactId = await newContact(acme, { firstName: 'Secret', lastName: 'Donor' });
    giftId = (await gift(contactId, 50_000)).data.recordGift.gift.id;
  });

  it('does not return another tenant’s gift or contact by id', async () => {
    const r = await bravo(`query($g: ID!, $c: ID!) { gift(id: $g) { id } contact(id: $c) { id firstName } }`, { g: giftId, c: contactId });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ gift: null, contact: null });
    const own = await acme(`query($g: ID!) { gift(id: $g) { id } }`, { g: giftId });
    expect(own.data.gift.id).toBe(giftId);
  });

  it('does not list another tenant’s gifts or contacts', async () => {
    const r = await bravo(`{ gifts(first: 100) { edges { node { id } } } contacts(first: 100) { edges { node { id } } } }`);
    const ids = [...r.data.gifts.edges, ...r.data.contacts.edges].map((e: { node: { id: string } }) => e.node.id);
    expect(ids).not.toContain(giftId);
    expect(ids).not.toContain(contactId);
  });

  it('does not resolve another tenant’s entities in a direct _entities call', async () => {
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Gift { id amount { amountMinor } } ... on Contact { id firstName } } }`;
    const reps = { r: [{ __typename: 'Gift', id: giftId }, { __typename: 'Contact', id: contactId }] };
    const url = platform.services.fundraising!.url;
    const asBravo = await gql(url, entities, reps, bearer(await platform.token('bravo')));
    expect(asBravo.data?._entities).toEqual([null, null]);
    const asAcme = await gql(url, entities, reps, bearer(await platform.token('acme')));
    expect(asAcme.data?._entities[0]).toEqual({ id: giftId, amount: { amountMinor: 50_000 } });
  });

  it('refuses a direct subgraph call without a valid token', async () => {
    for (const svc of Object.values(platform.services)) {
      const none = await gql(svc.url, `query { _entities(representations: [{ __typename: "Contact", id: "${contactId}" }]) { __typename } }`);
      expect(none.status).toBe(401);
      expect(none.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const forged = await gql(svc.url, `{ __typename }`, undefined, { authorization: `Bearer ${(await platform.token('acme')).slice(0, -4)}AAAA` });
      expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('cannot write against another tenant’s contact', async () => {
    const r = await gift(contactId, 100, bravo);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.contactId' });
    const v = await bravo(REGISTER, { input: { contactId, idempotencyKey: key() } });
    expect(v.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.contactId' });
  });
});

describe('events', () => {
  it('changes nothing when the broker delivers a gift event again', async () => {
    const contactId = await newContact();
    const giftId = (await gift(contactId, 800)).data.recordGift.gift.id;
    const original = await eventually(async () => seen.find((m) => m.topic === 'fundraising.gift' && m.headers['ce_subject'] === giftId));
    await eventually(async () => (await giving(contactId))?.giving.giftCount === 1);
    await watcher.publish([{ ...original, topic: 'fundraising.gift' }, { ...original, topic: 'fundraising.gift' }]);
    await gift(contactId, 200); // same key (contact) → same partition, so it lands after the replays
    const c = await eventually(async () => {
      const v = await giving(contactId);
      return v?.giving.giftCount >= 2 ? v : undefined;
    });
    expect(c.giving).toMatchObject({ giftCount: 2, lifetimeTotal: { amountMinor: 1000 } });
  });

  it('sends a poison event to the DLQ while later events still flow', async () => {
    const contactId = await newContact();
    const poisonKey = contactId;
    await watcher.publish([{ topic: 'fundraising.gift', key: poisonKey, value: '{"half": ', headers: { 'ce_specversion': '1.0', 'ce_id': randomUUID(), 'ce_type': 'commonhold.fundraising.gift.recorded.v1', 'ce_source': 'evil', 'ce_tenantid': 'acme' } }]);
    // From the right producer (an unknown ce_source is refused earlier, as malformed), but the wrong shape.
    const wrongShape = toTransportMessage({ eventId: randomUUID(), tenantId: 'acme', topic: 'fundraising.gift', key: poisonKey, type: 'commonhold.fundraising.gift.recorded.v1', source: 'fundraising', subject: 'x', data: { giftId: 'nope' }, time: new Date().toISOString() });
    await watcher.publish([wrongShape]);
    await gift(contactId, 321);
    await eventually(async () => (await giving(contactId))?.giving.giftCount === 1);
    const dead = await eventually(async () => {
      const d = seen.filter((m) => m.topic === 'fundraising.gift.dlq' && m.key === poisonKey);
      return d.length === 2 ? d : undefined;
    });
    expect(dead.map((m) => m.headers['x-dlq-consumer-group'])).toEqual(['fundraising.giving-rollup', 'fundraising.giving-rollup']);
    expect(dead.map((m) => m.headers['x-dlq-error-type']).sort()).toEqual(['EventValidationError', 'MalformedEventError']);
  });
});

describe('bad input', () => {
  const counts = async () => {
    const r = await acme(`{ gifts(first: 100) { edges { node { id } } } contacts(first: 100) { edges { node { id } } } }`);
    return { gifts: r.data.gifts.edges.length, contacts: r.data.contacts.edges.length };
  };

  it.each([
    ['a negative amount', { amount: { amountMinor: -5, currency: 'GBP' } }, 'BAD_USER_INPUT', 'input.amount.amountMinor'],
    ['a zero amount', { amount: { amountMinor: 0, currency: 'GBP' } }, 'BAD_USER_INPUT', 'input.amount.amountMinor'],
    ['a fractional amount', { amount: { amountMinor: 12.5, currency: 'GBP' } }, 'BAD_USER_INPUT', 'input.amount.amountMinor'],
    ['an unknown currency', { amount: { amountMinor: 100, currency: 'XXZ' } }, 'BAD_USER_INPUT', 'input.amount.currency'],
    ['a date without a zone', { receivedAt: '2026-11-01 10:00' }, 'BAD_USER_INPUT', 'input.receivedAt'],
    ['a future date', { receivedAt: '2099-01-01T00:00:00Z' }, 'BAD_USER_INPUT', 'input.receivedAt'],
    ['an unknown contact', { contactId: randomUUID() }, 'NOT_FOUND', 'input.contactId'],
  ])('rejects %s with %s naming %s, writing nothing', async (_what, override, code, field) => {
    const contactId = await newContact();
    const before = await counts();
    const r = await acme(RECORD_GIFT, { input: { contactId, amount: { amountMinor: 100, currency: 'GBP' }, receivedAt: '2026-11-01T10:00:00Z', idempotencyKey: key(), ...override } });
    expect(r.data?.recordGift ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code, field });
    expect(JSON.stringify(r.errors)).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces
    expect(await counts()).toEqual(before);
  });

  it('rejects a missing amount before any resolver runs', async () => {
    const contactId = await newContact();
    const before = await counts();
    const r = await acme(RECORD_GIFT, { input: { contactId, receivedAt: '2026-11-01T10:00:00Z', idempotencyKey: key() } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount' });
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['a malformed email', { email: 'not-an-email' }, 'input.email'],
    ['a blank first name', { firstName: '   ' }, 'input.firstName'],
    ['an over-long last name', { lastName: 'x'.repeat(101) }, 'input.lastName'],
  ])('rejects a contact with %s naming the field, writing nothing', async (_what, override, field) => {
    const before = await counts();
    const r = await acme(CREATE_CONTACT, { input: { firstName: 'Grace', lastName: 'Hopper', idempotencyKey: key(), ...override } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await counts()).toEqual(before);
  });
});

describe('audit and observability', () => {
  it('audits a gift with the actor, the caller’s trace id and the gateway’s own request id (a client-sent one kept apart)', async () => {
    const contactId = await newContact();
    const traceId = randomBytes(16).toString('hex');
    const requestId = `req-${randomUUID()}`;
    const r = await acme(
      RECORD_GIFT,
      { input: { contactId, amount: { amountMinor: 1500, currency: 'GBP' }, receivedAt: '2026-11-01T10:00:00Z', idempotencyKey: key() } },
      { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, 'x-request-id': requestId },
    );
    // A client's x-request-id is echoed as x-client-request-id, never written to the audit as ours.
    expect(r.headers.get('x-client-request-id')).toBe(requestId);
    const ours = r.headers.get('x-request-id');
    expect(ours).not.toBe(requestId);
    const giftId = r.data.recordGift.gift.id;
    const audit = await acme(`query($id: ID!) { fundraisingAuditEvents(entityId: $id) { edges { node { action actor entityType traceId requestId after } } } }`, { id: giftId });
    expect(audit.data.fundraisingAuditEvents.edges).toHaveLength(1);
    const ev = audit.data.fundraisingAuditEvents.edges[0].node;
    expect(ev).toMatchObject({ action: 'gift.recorded', actor: 'user-of-acme', entityType: 'Gift', traceId, requestId: ours });
    expect(JSON.parse(ev.after)).toMatchObject({ amount: { amountMinor: 1500, currency: 'GBP' } });
    const other = await bravo(`query($id: ID!) { fundraisingAuditEvents(entityId: $id) { edges { node { action } } } }`, { id: giftId });
    expect(other.data.fundraisingAuditEvents.edges).toEqual([]);
  });

  it('exposes readiness and the platform metrics on each subgraph', async () => {
    const base = platform.services.fundraising!.url.replace(/\/graphql$/, '');
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: true, migrations: true, transport: true } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const name of ['graphql_operation_duration_seconds', 'http_request_duration_seconds', 'events_published_total', 'events_consumed_total', 'event_handler_duration_seconds', 'outbox_lag_seconds', 'dlq_events_total']) {
      expect(metrics).toContain(name);
    }
    expect(metrics).toMatch(/events_consumed_total\{[^}]*outcome="processed"[^}]*\} [1-9]/);
    // the SLO and canary queries select route="/graphql": GraphQL traffic must be labelled so
    expect(metrics).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/graphql"[^}]*\} [1-9]/);
    // sampled every CONSUMER_LAG_SAMPLE_MS (200 ms in tests): the rollup consumer has caught up
    await eventually(async () => /consumer_lag_messages\{[^}]*group="fundraising.giving-rollup"[^}]*\} 0\b/.test(await (await fetch(`${base}/metrics`)).text()));
  });
});

describe('forged cursors', () => {
  it.each([
    ['gifts', `query($a: String) { gifts(first: 2, after: $a) { edges { node { id } } } }`, '["garbage","x"]'],
    ['contacts', `query($a: String) { contacts(first: 2, after: $a) { edges { node { id } } } }`, '[]'],
    ['audit events', `query($a: String) { fundraisingAuditEvents(entityId: "x", first: 2, after: $a) { edges { node { id } } } }`, '["abc"]'],
  ])('refuses a well-encoded cursor of the wrong shape on %s', async (_what, query, json) => {
    const r = await acme(query, { a: Buffer.from(json).toString('base64url') });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('volunteer registration races', () => {
  it('registers a contact once under concurrent requests with different keys; the others get CONFLICT', async () => {
    const contactId = await newContact();
    const codes = await eventually(async () => {
      const results = await Promise.all(Array.from({ length: 6 }, () => acme(REGISTER, { input: { contactId, idempotencyKey: key() } })));
      const c = results.map((r) => (r.errors?.[0]?.extensions?.code as string | undefined) ?? 'OK');
      return c.every((x) => x === 'NOT_FOUND') ? undefined : c; // projection not there yet: nothing written, go again
    });
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
    // a request that ran before volunteers learned the contact may say NOT_FOUND; none may fail otherwise
    expect(codes.filter((c) => c !== 'OK').every((c) => c === 'CONFLICT' || c === 'NOT_FOUND')).toBe(true);
  });
});
