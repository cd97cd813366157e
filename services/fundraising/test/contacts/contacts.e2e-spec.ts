// Contacts through the gateway on real PostgreSQL with the in-process bus: people and
// organisations with UK addresses, households and their naming, duplicates, merge, consent and
// GDPR erasure; typed bad input, idempotent replay, tenant isolation, events and audit.
import { randomUUID } from 'node:crypto';
import type { TransportMessage } from '@commonhold/kit';
import { eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { buildContact, idempotencyKey as key, ok, tenantRows, UK_ADDRESS as ADDRESS, uniqueEmail, type As } from '../support';

let platform: TestPlatform;
let acme: As;
let bravo: As;
const seen: TransportMessage[] = [];


const CONTACT_FIELDS = `id kind title firstName lastName organisationName displayName email phone excludeFromHouseholdName erasedAt mergedInto
  address { houseNameOrNumber line1 line2 city postcode country }
  household { id name formalGreeting informalGreeting automaticNaming members { id } }
  consents { channel granted source recordedAt }`;
const CREATE = `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { ${CONTACT_FIELDS} } } }`;
const UPDATE = `mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { ${CONTACT_FIELDS} } } }`;
const CONTACT = `query($id: ID!) { contact(id: $id) { ${CONTACT_FIELDS} } }`;
const HOUSEHOLD = `query($id: ID!) { household(id: $id) { id name formalGreeting informalGreeting automaticNaming members { id firstName } } }`;
const ADD_TO_HOUSEHOLD = `mutation($input: AddContactToHouseholdInput!) { addContactToHousehold(input: $input) { contact { id household { id } } household { id name formalGreeting informalGreeting members { id } } } }`;
const UPDATE_HOUSEHOLD = `mutation($input: UpdateHouseholdInput!) { updateHousehold(input: $input) { household { id name formalGreeting informalGreeting automaticNaming } } }`;
const MATCH = `query($input: ContactMatchInput!) { possibleDuplicates(input: $input) { contact { id } reasons } }`;
const DUPLICATES_OF = `query($id: ID!) { contact(id: $id) { possibleDuplicates { contact { id } reasons } } }`;
const MERGE = `mutation($input: MergeContactsInput!) { mergeContacts(input: $input) { survivor { ${CONTACT_FIELDS} } duplicate { id mergedInto } } }`;
const CONSENT = `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { contact { id consents { channel granted source recordedAt } } consent { channel granted source recordedAt } } }`;
const HISTORY = `query($id: ID!, $channel: ConsentChannel) { contact(id: $id) { consentHistory(channel: $channel) { channel granted source recordedAt } } }`;
const ERASE = `mutation($input: EraseContactInput!) { eraseContact(input: $input) { contact { ${CONTACT_FIELDS} } } }`;
const CONTACTS = `query($after: String, $includeMerged: Boolean) { contacts(first: 100, after: $after, includeMerged: $includeMerged) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`;
const RECORD_GIFT = `mutation($input: RecordGiftInput!) { recordGift(input: $input) { gift { id } } }`;
const GIVING = `query($id: ID!) { contact(id: $id) { giving { lifetimeTotal { amountMinor currency } giftCount } gifts(first: 100) { edges { node { id } } } } }`;
const AUDIT = `query($id: ID!) { fundraisingAuditEvents(entityId: $id, first: 100) { edges { node { action actor before after } } } }`;
const SETTINGS = `mutation($input: UpdateFundraisingSettingsInput!) { updateFundraisingSettings(input: $input) { settings { householdsEnabled } } }`;



async function person(input: Record<string, unknown> = {}, as: As = acme) {
  const d = await ok(as, CREATE, { input: buildContact(input) });
  return d.createContact.contact;
}

async function contact(id: string, as: As = acme) {
  return (await ok(as, CONTACT, { id })).contact;
}

async function household(id: string, as: As = acme) {
  return (await ok(as, HOUSEHOLD, { id })).household;
}

async function gift(contactId: string, amountMinor: number, as: As = acme) {
  await ok(as, RECORD_GIFT, { input: { contactId, amount: { amountMinor, currency: 'GBP' }, receivedAt: '2025-06-01T10:00:00Z', idempotencyKey: key() } });
}

const giving = async (id: string, as: As = acme) => (await ok(as, GIVING, { id })).contact;

/** Rows of a tenant's tables as the service sees them (RLS applies). */
const rows = (tenant: string, sql: string, params: unknown[] = []) => tenantRows(platform, tenant, sql, params);

/** Everything this module writes, counted, for "nothing was written" checks. */
const footprint = (tenant: string) =>
  rows(
    tenant,
    `SELECT (SELECT count(*) FROM contacts) AS contacts, (SELECT count(*) FROM households) AS households,
            (SELECT count(*) FROM contact_consents) AS consents, (SELECT count(*) FROM audit_events) AS audit,
            (SELECT count(*) FROM idempotency_keys) AS keys,
            (SELECT string_agg(md5(c::text), ',' ORDER BY c.id) FROM contacts c) AS contact_rows,
            (SELECT string_agg(md5(h::text), ',' ORDER BY h.id) FROM households h) AS household_rows`,
  ).then((r) => r[0]!);

async function expectError(r: { errors?: any[] }, code: string, field?: string) {
  expect(r.errors?.[0]?.extensions?.code).toBe(code);
  if (field) expect(r.errors?.[0]?.extensions?.field).toBe(field);
}

/** Runs a failing mutation and checks it wrote nothing (no rows, no audit, no idempotency key). */
async function expectRejected(as: As, tenant: string, query: string, variables: Record<string, unknown>, code: string, field?: string) {
  const before = await footprint(tenant);
  const r = await as(query, variables);
  await expectError(r, code, field);
  expect(await footprint(tenant)).toEqual(before);
}

const events = (type: string, subject: string) =>
  seen.filter((m) => m.headers.ce_type === `commonhold.fundraising.contact.${type}.v1` && m.headers.ce_subject === subject).map((m) => ({ key: m.key, data: JSON.parse(m.value) }));

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process' });
  acme = platform.as('acme');
  bravo = platform.as('bravo');
  await platform.transports[0]!.subscribe('contacts-e2e-watcher', ['fundraising.contact'], async (m) => {
    seen.push(m);
  });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

describe('creating contacts', () => {
  it('creates a person with a normalised UK address and a household of their own', async () => {
    const email = uniqueEmail();
    const c = await person({ title: ' Mrs. ', firstName: ' Ada ', email: email.toUpperCase(), phone: '+44 20  7946 0000', address: ADDRESS });
    expect(c).toMatchObject({
      kind: 'PERSON',
      title: 'Mrs.',
      firstName: 'Ada',
      lastName: 'Lovelace',
      organisationName: null,
      displayName: 'Ada Lovelace',
      email,
      phone: '+44 20 7946 0000',
      address: { houseNameOrNumber: '10', line1: 'Downing Street', line2: null, city: 'London', postcode: 'SW1A 2AA', country: 'GB' },
      household: { name: 'Lovelace Household', formalGreeting: 'Mrs. Ada Lovelace', informalGreeting: 'Ada', automaticNaming: true, members: [{ id: c.id }] },
      consents: [],
      erasedAt: null,
      mergedInto: null,
    });
    const created = await eventually(async () => events('created', c.id)[0]);
    expect(created.data).toEqual({ contactId: c.id, firstName: 'Ada', lastName: 'Lovelace', email });
    const audit = (await ok(acme, AUDIT, { id: c.id })).fundraisingAuditEvents.edges.map((e: any) => e.node);
    expect(audit).toEqual([expect.objectContaining({ action: 'contact.created', actor: 'user-of-acme' })]);
  });

  it('keeps a non-UK postcode as given, upper-cased, without UK validation', async () => {
    const c = await person({ address: { line1: '1 Grafton St', city: 'Dublin', postcode: ' d02  x285', country: 'ie' } });
    expect(c.address).toEqual({ houseNameOrNumber: null, line1: '1 Grafton St', line2: null, city: 'Dublin', postcode: 'D02 X285', country: 'IE' });
  });

  it('creates an organisation: its name in organisationName and lastName, no household', async () => {
    const email = uniqueEmail();
    const c = (await ok(acme, CREATE, { input: { kind: 'ORGANISATION', organisationName: 'Acme Trust', email, address: ADDRESS, idempotencyKey: key() } })).createContact.contact;
    expect(c).toMatchObject({ kind: 'ORGANISATION', firstName: null, lastName: 'Acme Trust', organisationName: 'Acme Trust', displayName: 'Acme Trust', household: null });
    // contact.created.v1 is a locked contract whose firstName must be non-blank: the name stands in.
    expect((await eventually(async () => events('created', c.id)[0])).data).toEqual({ contactId: c.id, firstName: 'Acme Trust', lastName: 'Acme Trust', email });
    expect(await rows('acme', `SELECT household_id FROM contacts WHERE id = $1`, [c.id])).toEqual([{ household_id: null }]);
  });

  it('gives no household when the tenant has households off', async () => {
    const tenant = `nohh-${randomUUID().slice(0, 8)}`;
    const as = platform.as(tenant);
    await ok(as, SETTINGS, { input: { householdsEnabled: false, idempotencyKey: key() } });
    const c = await person({}, as);
    expect(c.household).toBeNull();
    // An explicit household still works.
    const moved = (await ok(as, ADD_TO_HOUSEHOLD, { input: { contactId: c.id, idempotencyKey: key() } })).addContactToHousehold;
    expect(moved.household).toMatchObject({ name: 'Lovelace Household', members: [{ id: c.id }] });
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a bad UK postcode', { address: { ...ADDRESS, postcode: 'SW1A' } }, 'BAD_USER_INPUT', 'input.address.postcode'],
    ['a postcode not UK-shaped in GB', { address: { ...ADDRESS, postcode: '10115', country: 'GB' } }, 'BAD_USER_INPUT', 'input.address.postcode'],
    ['an unknown country', { address: { ...ADDRESS, country: 'XX' } }, 'BAD_USER_INPUT', 'input.address.country'],
    ['a too long address line', { address: { ...ADDRESS, line1: 'x'.repeat(101) } }, 'BAD_USER_INPUT', 'input.address.line1'],
    ['a person without a first name', { firstName: null }, 'BAD_USER_INPUT', 'input.firstName'],
    ['a blank last name', { lastName: '  ' }, 'BAD_USER_INPUT', 'input.lastName'],
    ['a too long title', { title: 'x'.repeat(21) }, 'BAD_USER_INPUT', 'input.title'],
    ['a bad email', { email: 'nope' }, 'BAD_USER_INPUT', 'input.email'],
    ['a bad phone', { phone: 'call me' }, 'BAD_USER_INPUT', 'input.phone'],
    ['an organisation name on a person', { organisationName: 'Acme' }, 'BAD_USER_INPUT', 'input.organisationName'],
    ['an organisation with a first name', { kind: 'ORGANISATION', organisationName: 'Acme', lastName: null }, 'BAD_USER_INPUT', 'input.firstName'],
    ['an organisation without a name', { kind: 'ORGANISATION', firstName: null, lastName: null }, 'BAD_USER_INPUT', 'input.organisationName'],
    ['an unknown household', { householdId: randomUUID() }, 'NOT_FOUND', 'input.householdId'],
    ['a household id that is not an id', { householdId: 'h-1' }, 'BAD_USER_INPUT', 'input.householdId'],
    ['no idempotency key', { idempotencyKey: '' }, 'BAD_USER_INPUT', 'input.idempotencyKey'],
  ])('refuses %s, naming the field, writing nothing', async (_name, overrides, code, field) => {
    const input = { firstName: 'Ada', lastName: 'Lovelace', email: uniqueEmail(), idempotencyKey: key(), ...overrides };
    await expectRejected(acme, 'acme', CREATE, { input }, code, field);
  });

  it('replays createContact for the same key, and refuses the key with other input', async () => {
    const input = { firstName: 'Ada', lastName: 'Replay', email: uniqueEmail(), address: ADDRESS, idempotencyKey: key() };
    const first = (await ok(acme, CREATE, { input })).createContact.contact;
    const before = await footprint('acme');
    const again = (await ok(acme, CREATE, { input })).createContact.contact;
    expect(again.id).toBe(first.id);
    expect(await footprint('acme')).toEqual(before);
    await expectError(await acme(CREATE, { input: { ...input, firstName: 'Other' } }), 'IDEMPOTENCY_CONFLICT', 'input.idempotencyKey');
  });
});

describe('households', () => {
  it('names the household after its members as they join, leave, change and opt out', async () => {
    const john = await person({ title: 'Mr.', firstName: 'John', lastName: 'Smith' });
    const hid = john.household.id;
    expect(john.household).toMatchObject({ name: 'Smith Household', formalGreeting: 'Mr. John Smith', informalGreeting: 'John' });

    const jane = await person({ title: 'Mrs.', firstName: 'Jane', lastName: 'Smith', householdId: hid });
    expect(jane.household).toMatchObject({ id: hid, name: 'Smith Household', formalGreeting: 'Mr. John and Mrs. Jane Smith', informalGreeting: 'John and Jane' });

    const ann = await person({ title: 'Ms.', firstName: 'Ann', lastName: 'Jones' });
    const annOld = ann.household.id;
    const moved = (await ok(acme, ADD_TO_HOUSEHOLD, { input: { contactId: ann.id, householdId: hid, idempotencyKey: key() } })).addContactToHousehold;
    expect(moved.household).toEqual({
      id: hid,
      name: 'Smith and Jones Household',
      formalGreeting: 'Mr. John and Mrs. Jane Smith and Ms. Ann Jones',
      informalGreeting: 'John, Jane and Ann',
      members: [{ id: john.id }, { id: jane.id }, { id: ann.id }],
    });
    // The household Ann left has no one in it now.
    expect(await household(annOld)).toMatchObject({ name: 'Empty Household', members: [] });

    await ok(acme, UPDATE, { input: { contactId: ann.id, lastName: 'Brown', idempotencyKey: key() } });
    expect(await household(hid)).toMatchObject({ name: 'Smith and Brown Household', formalGreeting: 'Mr. John and Mrs. Jane Smith and Ms. Ann Brown' });

    await ok(acme, UPDATE, { input: { contactId: ann.id, excludeFromHouseholdName: true, idempotencyKey: key() } });
    expect(await household(hid)).toMatchObject({ name: 'Smith Household', formalGreeting: 'Mr. John and Mrs. Jane Smith', informalGreeting: 'John and Jane' });

    // Jane moves out into a household of her own.
    const out = (await ok(acme, ADD_TO_HOUSEHOLD, { input: { contactId: jane.id, idempotencyKey: key() } })).addContactToHousehold;
    expect(out.household.id).not.toBe(hid);
    expect(out.household).toMatchObject({ name: 'Smith Household', formalGreeting: 'Mrs. Jane Smith', members: [{ id: jane.id }] });
    expect(await household(hid)).toMatchObject({ formalGreeting: 'Mr. John Smith', informalGreeting: 'John', members: [{ firstName: 'John' }, { firstName: 'Ann' }] });
  });

  it('swaps two people between households concurrently without a deadlock', async () => {
    for (let round = 0; round < 5; round++) {
      const a = await person({ firstName: 'Ann', lastName: `Swap${round}a` });
      const b = await person({ firstName: 'Ben', lastName: `Swap${round}b` });
      const [ra, rb] = await Promise.all([
        acme(ADD_TO_HOUSEHOLD, { input: { contactId: a.id, householdId: b.household.id, idempotencyKey: key() } }),
        acme(ADD_TO_HOUSEHOLD, { input: { contactId: b.id, householdId: a.household.id, idempotencyKey: key() } }),
      ]);
      expect([ra.errors, rb.errors]).toEqual([undefined, undefined]);
      expect(await household(a.household.id)).toMatchObject({ name: `Swap${round}b Household`, members: [{ id: b.id }] });
      expect(await household(b.household.id)).toMatchObject({ name: `Swap${round}a Household`, members: [{ id: a.id }] });
    }
  });

  it('keeps hand-set names until automatic naming is switched back on', async () => {
    const a = await person({ firstName: 'Tom', lastName: 'Baker' });
    const hid = a.household.id;
    const set = (await ok(acme, UPDATE_HOUSEHOLD, { input: { householdId: hid, name: 'The Bakers', informalGreeting: 'Tom', idempotencyKey: key() } })).updateHousehold.household;
    expect(set).toEqual({ id: hid, name: 'The Bakers', formalGreeting: 'Tom Baker', informalGreeting: 'Tom', automaticNaming: false });
    await person({ firstName: 'Liz', lastName: 'Baker', householdId: hid });
    expect(await household(hid)).toMatchObject({ name: 'The Bakers', formalGreeting: 'Tom Baker', informalGreeting: 'Tom' });
    const auto = (await ok(acme, UPDATE_HOUSEHOLD, { input: { householdId: hid, automaticNaming: true, idempotencyKey: key() } })).updateHousehold.household;
    expect(auto).toEqual({ id: hid, name: 'Baker Household', formalGreeting: 'Tom and Liz Baker', informalGreeting: 'Tom and Liz', automaticNaming: true });
    const audit = (await ok(acme, AUDIT, { id: hid })).fundraisingAuditEvents.edges.map((e: any) => e.node.action);
    expect(audit).toEqual(['household.updated', 'household.updated']);
  });

  it('recomputes giving rollups when a member moves between households', async () => {
    const a = await person({ firstName: 'Rich', lastName: 'Giver' });
    await gift(a.id, 5000);
    const b = await person({ firstName: 'Other', lastName: 'Home' });
    await ok(acme, ADD_TO_HOUSEHOLD, { input: { contactId: a.id, householdId: b.household.id, idempotencyKey: key() } });
    await eventually(async () => (await giving(a.id)).giving.lifetimeTotal.amountMinor === 5000);
    const [newRollup] = await rows('acme', `SELECT total_minor FROM giving_rollups WHERE subject_type = 'HOUSEHOLD' AND subject_id = $1`, [b.household.id]);
    expect(Number(newRollup?.total_minor)).toBe(5000);
    expect(await rows('acme', `SELECT total_minor FROM giving_rollups WHERE subject_type = 'HOUSEHOLD' AND subject_id = $1`, [a.household.id])).toEqual([]);
  });

  it('replays household mutations and refuses bad input naming the field', async () => {
    const a = await person();
    const b = await person({ lastName: 'Byron' });
    const input = { contactId: a.id, householdId: b.household.id, idempotencyKey: key() };
    await ok(acme, ADD_TO_HOUSEHOLD, { input });
    const before = await footprint('acme');
    const again = (await ok(acme, ADD_TO_HOUSEHOLD, { input })).addContactToHousehold;
    expect(again.household.id).toBe(b.household.id);
    expect(await footprint('acme')).toEqual(before);

    const hInput = { householdId: b.household.id, name: 'Byron-Lovelace Household', idempotencyKey: key() };
    await ok(acme, UPDATE_HOUSEHOLD, { input: hInput });
    const before2 = await footprint('acme');
    expect((await ok(acme, UPDATE_HOUSEHOLD, { input: hInput })).updateHousehold.household.name).toBe('Byron-Lovelace Household');
    expect(await footprint('acme')).toEqual(before2);
    await expectError(await acme(UPDATE_HOUSEHOLD, { input: { ...hInput, name: 'Other' } }), 'IDEMPOTENCY_CONFLICT', 'input.idempotencyKey');

    const org = (await ok(acme, CREATE, { input: { kind: 'ORGANISATION', organisationName: 'Org Ltd', idempotencyKey: key() } })).createContact.contact;
    await expectRejected(acme, 'acme', ADD_TO_HOUSEHOLD, { input: { contactId: org.id, idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.contactId');
    await expectRejected(acme, 'acme', ADD_TO_HOUSEHOLD, { input: { contactId: a.id, householdId: randomUUID(), idempotencyKey: key() } }, 'NOT_FOUND', 'input.householdId');
    await expectRejected(acme, 'acme', ADD_TO_HOUSEHOLD, { input: { contactId: randomUUID(), idempotencyKey: key() } }, 'NOT_FOUND', 'input.contactId');
    await expectRejected(acme, 'acme', UPDATE_HOUSEHOLD, { input: { householdId: b.household.id, name: '  ', idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.name');
    await expectRejected(acme, 'acme', UPDATE_HOUSEHOLD, { input: { householdId: b.household.id, formalGreeting: 'x'.repeat(201), idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.formalGreeting');
    await expectRejected(acme, 'acme', UPDATE_HOUSEHOLD, { input: { householdId: b.household.id, idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.name');
    await expectRejected(acme, 'acme', UPDATE_HOUSEHOLD, { input: { householdId: b.household.id, name: 'X', automaticNaming: true, idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.automaticNaming');
    await expectRejected(acme, 'acme', UPDATE_HOUSEHOLD, { input: { householdId: randomUUID(), name: 'X', idempotencyKey: key() } }, 'NOT_FOUND', 'input.householdId');
  });
});

describe('updateContact', () => {
  it('changes only the given fields, announces them and audits before/after', async () => {
    const c = await person({ title: 'Ms.', phone: '020 7946 0000', address: ADDRESS });
    const email = uniqueEmail();
    const u = (await ok(acme, UPDATE, { input: { contactId: c.id, email, phone: null, address: { line1: '1 Main St', postcode: 'm11ae' }, idempotencyKey: key() } })).updateContact.contact;
    expect(u).toMatchObject({ title: 'Ms.', firstName: 'Ada', email, phone: null, address: { houseNameOrNumber: null, line1: '1 Main St', city: null, postcode: 'M1 1AE', country: 'GB' } });
    const updated = await eventually(async () => events('updated', c.id)[0]);
    expect(updated).toEqual({
      key: c.id,
      data: { contactId: c.id, kind: 'PERSON', changedFields: ['email', 'phone', 'address'], email, phone: null, address: u.address },
    });
    const audit = (await ok(acme, AUDIT, { id: c.id })).fundraisingAuditEvents.edges.map((e: any) => e.node);
    expect(audit[1]).toMatchObject({ action: 'contact.updated' });
    expect(JSON.parse(audit[1].before)).toEqual({ email: c.email, phone: '020 7946 0000', address: c.address });
  });

  it('writes nothing when nothing changed, and replays', async () => {
    const c = await person();
    const input = { contactId: c.id, firstName: 'Ada', idempotencyKey: key() };
    const before = await footprint('acme');
    await ok(acme, UPDATE, { input });
    const after = await footprint('acme');
    expect(Number(after.keys)).toBe(Number(before.keys) + 1);
    expect(after.contact_rows).toBe(before.contact_rows);
    expect(after.audit).toBe(before.audit);
    const renamed = { contactId: c.id, firstName: 'Augusta', idempotencyKey: key() };
    await ok(acme, UPDATE, { input: renamed });
    const state = await footprint('acme');
    expect((await ok(acme, UPDATE, { input: renamed })).updateContact.contact.firstName).toBe('Augusta');
    expect(await footprint('acme')).toEqual(state);
    await expectError(await acme(UPDATE, { input: { ...renamed, firstName: 'Ava' } }), 'IDEMPOTENCY_CONFLICT', 'input.idempotencyKey');
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a bad postcode', { address: { line1: 'x', postcode: 'ZZZ' } }, 'BAD_USER_INPUT', 'input.address.postcode'],
    ['clearing a person’s first name', { firstName: null }, 'BAD_USER_INPUT', 'input.firstName'],
    ['a too long last name', { lastName: 'x'.repeat(101) }, 'BAD_USER_INPUT', 'input.lastName'],
    ['a bad email', { email: 'not@' }, 'BAD_USER_INPUT', 'input.email'],
    ['an organisation name on a person', { organisationName: 'Acme' }, 'BAD_USER_INPUT', 'input.organisationName'],
    ['an unknown contact', { contactId: randomUUID() }, 'NOT_FOUND', 'input.contactId'],
  ])('refuses %s, naming the field, writing nothing', async (_name, overrides, code, field) => {
    const c = await person({ address: ADDRESS });
    await expectRejected(acme, 'acme', UPDATE, { input: { contactId: c.id, idempotencyKey: key(), ...overrides } }, code, field);
  });
});

describe('possible duplicates', () => {
  it('finds contacts with the same email, or the same name and postcode, for a prompt before creating', async () => {
    const last = `Dup${randomUUID().slice(0, 6)}`;
    const email = uniqueEmail();
    const a = await person({ firstName: 'Grace', lastName: last, email, address: ADDRESS });
    const b = await person({ firstName: 'Grace', lastName: last, email: uniqueEmail(), address: { line1: 'Elsewhere', postcode: 'SW1A 2AA' } });
    const c = await person({ firstName: 'Grace', lastName: 'Other', email: email.replace('@', '+x@') });

    const byEmail = (await ok(acme, MATCH, { input: { email: email.toUpperCase() } })).possibleDuplicates;
    expect(byEmail).toEqual([{ contact: { id: a.id }, reasons: ['SAME_EMAIL'] }]);

    const byName = (await ok(acme, MATCH, { input: { firstName: 'GRACE', lastName: last.toLowerCase(), postcode: 'sw1a 2aa' } })).possibleDuplicates;
    expect(byName).toEqual([
      { contact: { id: a.id }, reasons: ['SAME_NAME_AND_POSTCODE'] },
      { contact: { id: b.id }, reasons: ['SAME_NAME_AND_POSTCODE'] },
    ]);

    const both = (await ok(acme, MATCH, { input: { email, firstName: 'Grace', lastName: last, postcode: 'SW1A2AA' } })).possibleDuplicates;
    expect(both).toEqual([
      { contact: { id: a.id }, reasons: ['SAME_EMAIL', 'SAME_NAME_AND_POSTCODE'] },
      { contact: { id: b.id }, reasons: ['SAME_NAME_AND_POSTCODE'] },
    ]);
    expect((await ok(acme, MATCH, { input: { lastName: last, postcode: 'SW1A 2AA' } })).possibleDuplicates).toEqual([]);
    expect((await ok(acme, MATCH, { input: {} })).possibleDuplicates).toEqual([]);

    // On a stored contact: the others, never itself.
    expect((await ok(acme, DUPLICATES_OF, { id: a.id })).contact.possibleDuplicates).toEqual([{ contact: { id: b.id }, reasons: ['SAME_NAME_AND_POSTCODE'] }]);
    expect((await ok(acme, DUPLICATES_OF, { id: c.id })).contact.possibleDuplicates).toEqual([]);
  });

  it('matches organisations by name and postcode', async () => {
    const name = `Org ${randomUUID().slice(0, 6)}`;
    const o = (await ok(acme, CREATE, { input: { kind: 'ORGANISATION', organisationName: name, address: ADDRESS, idempotencyKey: key() } })).createContact.contact;
    expect((await ok(acme, MATCH, { input: { organisationName: name.toUpperCase(), postcode: 'SW1A 2AA' } })).possibleDuplicates).toEqual([
      { contact: { id: o.id }, reasons: ['SAME_NAME_AND_POSTCODE'] },
    ]);
  });

  it('refuses a probe it cannot read, naming the field', async () => {
    await expectError(await acme(MATCH, { input: { email: 'x'.repeat(255) } }), 'BAD_USER_INPUT', 'input.email');
    await expectError(await acme(MATCH, { input: { organisationName: 'A', lastName: 'B' } }), 'BAD_USER_INPUT', 'input.organisationName');
    await expectError(await acme(MATCH, { input: { lastName: 'B', firstName: 'A', postcode: '1', country: 'XX' } }), 'BAD_USER_INPUT', 'input.country');
  });
});

describe('mergeContacts', () => {
  it('moves gifts, consents and empty fields to the survivor; the duplicate stays as a pointer', async () => {
    const last = `Merge${randomUUID().slice(0, 6)}`;
    const survivor = await person({ firstName: 'Mary', lastName: last, address: ADDRESS });
    const duplicate = await person({ title: 'Dr.', firstName: 'Mary', lastName: last, phone: '01632 960000', address: ADDRESS });
    await gift(survivor.id, 1000);
    await gift(duplicate.id, 2500);
    await gift(duplicate.id, 500);
    await ok(acme, CONSENT, { input: { contactId: duplicate.id, channel: 'POST', granted: true, source: 'paper form', idempotencyKey: key() } });
    await eventually(async () => (await giving(duplicate.id)).giving.giftCount === 2);

    const input = { survivorId: survivor.id, duplicateId: duplicate.id, idempotencyKey: key() };
    const merged = (await ok(acme, MERGE, { input })).mergeContacts;
    expect(merged.duplicate).toEqual({ id: duplicate.id, mergedInto: survivor.id });
    expect(merged.survivor).toMatchObject({
      title: 'Dr.',
      phone: '01632 960000',
      household: { id: survivor.household.id, members: [{ id: survivor.id }] },
      consents: [{ channel: 'POST', granted: true, source: 'paper form' }],
    });
    // The rollups follow the gifts.
    const g = await eventually(async () => {
      const v = await giving(survivor.id);
      return v.giving.lifetimeTotal.amountMinor === 4000 ? v : undefined;
    });
    expect(g.giving).toEqual({ lifetimeTotal: { amountMinor: 4000, currency: 'GBP' }, giftCount: 3 });
    expect(g.gifts.edges).toHaveLength(3);
    expect(await giving(duplicate.id)).toMatchObject({ giving: { giftCount: 0 }, gifts: { edges: [] } });
    const [hh] = await rows('acme', `SELECT total_minor FROM giving_rollups WHERE subject_type = 'HOUSEHOLD' AND subject_id = $1`, [survivor.household.id]);
    expect(Number(hh?.total_minor)).toBe(4000);
    // The duplicate's household is empty now.
    expect(await household(duplicate.household.id)).toMatchObject({ members: [] });

    // Queries by id still find the duplicate; lists and duplicate checks leave it out.
    expect(await contact(duplicate.id)).toMatchObject({ id: duplicate.id, mergedInto: survivor.id, household: null });
    const listed = async (includeMerged?: boolean) => {
      const ids: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: any = (await ok(acme, CONTACTS, { after, includeMerged })).contacts;
        ids.push(...page.edges.map((e: any) => e.node.id));
        if (!page.pageInfo.hasNextPage) return ids;
        after = page.pageInfo.endCursor;
      }
    };
    expect(await listed()).toEqual(expect.arrayContaining([survivor.id]));
    expect(await listed()).not.toContain(duplicate.id);
    expect(await listed(true)).toContain(duplicate.id);
    expect((await ok(acme, DUPLICATES_OF, { id: survivor.id })).contact.possibleDuplicates).toEqual([]);

    expect((await eventually(async () => events('merged', survivor.id)[0])).data).toEqual({ survivorId: survivor.id, duplicateId: duplicate.id, mergedAt: expect.any(String) });
    expect(events('merged', survivor.id)[0]!.key).toBe(survivor.id);
    expect((await eventually(async () => events('updated', survivor.id)[0])).data).toEqual({
      contactId: survivor.id,
      kind: 'PERSON',
      changedFields: ['title', 'phone'],
      title: 'Dr.',
      phone: '01632 960000',
    });
    for (const id of [survivor.id, duplicate.id]) {
      const audit = (await ok(acme, AUDIT, { id })).fundraisingAuditEvents.edges.map((e: any) => e.node);
      const entry = audit.find((a: any) => a.action.startsWith('contact.merged'));
      expect(JSON.parse(entry.after)).toEqual({
        survivorId: survivor.id,
        duplicateId: duplicate.id,
        moved: { gifts: 2, softCredits: 0, opportunities: 0, consents: 1, giftAidDeclarations: 0, recurringAgreements: 0 },
        filledFields: ['title', 'phone'],
      });
    }

    // Replay returns the same result and writes nothing.
    const before = await footprint('acme');
    expect((await ok(acme, MERGE, { input })).mergeContacts.duplicate).toEqual({ id: duplicate.id, mergedInto: survivor.id });
    expect(await footprint('acme')).toEqual(before);
    await expectError(await acme(MERGE, { input: { ...input, survivorId: randomUUID() } }), 'IDEMPOTENCY_CONFLICT', 'input.idempotencyKey');

    // A merged contact cannot be merged or changed again.
    const other = await person();
    await expectRejected(acme, 'acme', MERGE, { input: { survivorId: other.id, duplicateId: duplicate.id, idempotencyKey: key() } }, 'CONFLICT', 'input.duplicateId');
    await expectRejected(acme, 'acme', MERGE, { input: { survivorId: duplicate.id, duplicateId: other.id, idempotencyKey: key() } }, 'CONFLICT', 'input.survivorId');
    await expectRejected(acme, 'acme', UPDATE, { input: { contactId: duplicate.id, firstName: 'X', idempotencyKey: key() } }, 'CONFLICT', 'input.contactId');
  });

  it('moves soft credits and opportunities, keeping one credit per gift and role', async () => {
    const donor = await person({ firstName: 'Big', lastName: 'Donor' });
    const survivor = await person({ firstName: 'Soft', lastName: 'Credit' });
    const duplicate = await person({ firstName: 'Soft', lastName: 'Credit' });
    const g = (await ok(acme, RECORD_GIFT, { input: { contactId: donor.id, amount: { amountMinor: 1000, currency: 'GBP' }, receivedAt: '2025-06-01T10:00:00Z', idempotencyKey: key() } })).recordGift.gift;
    await rows(
      'acme',
      `INSERT INTO soft_credits (tenant_id, gift_id, contact_id, role, amount_minor) VALUES
         ('acme', $1, $2, 'SOFT_CREDIT', 500), ('acme', $1, $3, 'SOFT_CREDIT', 800), ('acme', $1, $3, 'MATCHED_DONOR', 300)`,
      [g.id, survivor.id, duplicate.id],
    );
    const opportunity = randomUUID();
    await rows(
      'acme',
      `INSERT INTO opportunities (id, tenant_id, contact_id, name, type, stage, expected_minor, currency, probability, close_date)
       VALUES ($1, 'acme', $2, 'Legacy', 'LEGACY', 'CULTIVATION', 100000, 'GBP', 20, '2027-01-01')`,
      [opportunity, duplicate.id],
    );
    await ok(acme, MERGE, { input: { survivorId: survivor.id, duplicateId: duplicate.id, idempotencyKey: key() } });
    expect(await rows('acme', `SELECT contact_id, role, amount_minor FROM soft_credits WHERE gift_id = $1 ORDER BY role`, [g.id])).toEqual([
      { contact_id: survivor.id, role: 'MATCHED_DONOR', amount_minor: '300' },
      { contact_id: survivor.id, role: 'SOFT_CREDIT', amount_minor: '800' },
    ]);
    expect(await rows('acme', `SELECT contact_id FROM opportunities WHERE id = $1`, [opportunity])).toEqual([{ contact_id: survivor.id }]);
    const entry = (await ok(acme, AUDIT, { id: survivor.id })).fundraisingAuditEvents.edges.map((e: any) => e.node).find((a: any) => a.action === 'contact.merged');
    expect(JSON.parse(entry.after).moved).toMatchObject({ gifts: 0, softCredits: 2, opportunities: 1 });
    // Both contacts' rollups were recomputed: the soft credits now count for the survivor only.
    const softCredit = async (id: string) =>
      Number((await rows('acme', `SELECT soft_credit_minor FROM giving_rollups WHERE subject_type = 'CONTACT' AND subject_id = $1`, [id]))[0]?.soft_credit_minor ?? 0);
    expect(await softCredit(survivor.id)).toBeGreaterThan(0);
    expect(await softCredit(duplicate.id)).toBe(0);
  });

  it('gives the survivor the duplicate’s household when it has none', async () => {
    const tenant = `merge-hh-${randomUUID().slice(0, 8)}`;
    const as = platform.as(tenant);
    const dup = await person({ firstName: 'Sam', lastName: 'Hill' }, as);
    await ok(as, SETTINGS, { input: { householdsEnabled: false, idempotencyKey: key() } });
    const surv = await person({ firstName: 'Sam', lastName: 'Hill' }, as);
    expect(surv.household).toBeNull();
    const r = (await ok(as, MERGE, { input: { survivorId: surv.id, duplicateId: dup.id, idempotencyKey: key() } })).mergeContacts;
    expect(r.survivor.household).toMatchObject({ id: dup.household.id, name: 'Hill Household', members: [{ id: surv.id }] });
  });

  it.each<[string, (a: string, b: string) => Record<string, unknown>, string, string]>([
    ['the same contact twice', (a) => ({ survivorId: a, duplicateId: a }), 'BAD_USER_INPUT', 'input.duplicateId'],
    ['an unknown survivor', (_a, b) => ({ survivorId: randomUUID(), duplicateId: b }), 'NOT_FOUND', 'input.survivorId'],
    ['an unknown duplicate', (a) => ({ survivorId: a, duplicateId: randomUUID() }), 'NOT_FOUND', 'input.duplicateId'],
    ['a survivor id that is not an id', (_a, b) => ({ survivorId: 'x', duplicateId: b }), 'NOT_FOUND', 'input.survivorId'],
  ])('refuses %s, writing nothing', async (_name, make, code, field) => {
    const a = await person();
    const b = await person();
    await expectRejected(acme, 'acme', MERGE, { input: { ...make(a.id, b.id), idempotencyKey: key() } }, code, field);
  });

  it('refuses to merge a person with an organisation', async () => {
    const a = await person();
    const o = (await ok(acme, CREATE, { input: { kind: 'ORGANISATION', organisationName: 'Org', idempotencyKey: key() } })).createContact.contact;
    await expectRejected(acme, 'acme', MERGE, { input: { survivorId: a.id, duplicateId: o.id, idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.duplicateId');
  });
});

describe('consent', () => {
  it('keeps the history and shows the latest statement per channel as the current state', async () => {
    const c = await person();
    const r1 = (await ok(acme, CONSENT, { input: { contactId: c.id, channel: 'EMAIL', granted: true, source: 'web form', recordedAt: '2025-01-01T09:00:00Z', idempotencyKey: key() } })).recordConsent;
    expect(r1.consent).toEqual({ channel: 'EMAIL', granted: true, source: 'web form', recordedAt: '2025-01-01T09:00:00.000Z' });
    await ok(acme, CONSENT, { input: { contactId: c.id, channel: 'EMAIL', granted: false, source: 'unsubscribe link', recordedAt: '2025-03-01T09:00:00Z', idempotencyKey: key() } });
    // A statement recorded late about an earlier time does not override the later one.
    await ok(acme, CONSENT, { input: { contactId: c.id, channel: 'EMAIL', granted: true, source: 'old paper form', recordedAt: '2024-06-01T09:00:00Z', idempotencyKey: key() } });
    const sms = (await ok(acme, CONSENT, { input: { contactId: c.id, channel: 'SMS', granted: true, source: 'phone call', idempotencyKey: key() } })).recordConsent;
    expect(Date.now() - Date.parse(sms.consent.recordedAt)).toBeLessThan(60_000);

    const current = (await contact(c.id)).consents;
    expect(current).toEqual([
      { channel: 'SMS', granted: true, source: 'phone call', recordedAt: sms.consent.recordedAt },
      { channel: 'EMAIL', granted: false, source: 'unsubscribe link', recordedAt: '2025-03-01T09:00:00.000Z' },
    ]);
    const history = (await ok(acme, HISTORY, { id: c.id, channel: 'EMAIL' })).contact.consentHistory;
    expect(history.map((h: any) => [h.granted, h.source])).toEqual([
      [false, 'unsubscribe link'],
      [true, 'web form'],
      [true, 'old paper form'],
    ]);
    expect((await ok(acme, HISTORY, { id: c.id })).contact.consentHistory).toHaveLength(4);
    const updated = await eventually(async () => (events('updated', c.id).length === 4 ? events('updated', c.id) : undefined));
    expect(updated[0]!.data).toEqual({ contactId: c.id, kind: 'PERSON', changedFields: ['consent'], consent: { channel: 'EMAIL', granted: true, source: 'web form', recordedAt: '2025-01-01T09:00:00.000Z' } });
  });

  it('replays recordConsent and refuses bad input naming the field', async () => {
    const c = await person();
    const input = { contactId: c.id, channel: 'PHONE', granted: false, source: 'call', idempotencyKey: key() };
    const first = (await ok(acme, CONSENT, { input })).recordConsent;
    const before = await footprint('acme');
    expect((await ok(acme, CONSENT, { input })).recordConsent).toEqual(first);
    expect(await footprint('acme')).toEqual(before);
    await expectError(await acme(CONSENT, { input: { ...input, granted: true } }), 'IDEMPOTENCY_CONFLICT', 'input.idempotencyKey');

    const future = new Date(Date.now() + 3_600_000).toISOString();
    await expectRejected(acme, 'acme', CONSENT, { input: { ...input, recordedAt: future, idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.recordedAt');
    await expectRejected(acme, 'acme', CONSENT, { input: { ...input, source: '  ', idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.source');
    await expectRejected(acme, 'acme', CONSENT, { input: { ...input, source: 'x'.repeat(201), idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.source');
    await expectRejected(acme, 'acme', CONSENT, { input: { ...input, channel: 'FAX', idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.channel');
    await expectRejected(acme, 'acme', CONSENT, { input: { ...input, contactId: randomUUID(), idempotencyKey: key() } }, 'NOT_FOUND', 'input.contactId');
  });
});

describe('eraseContact', () => {
  it('anonymises personal data, keeps gifts, forgets consent and the household, and stays erased', async () => {
    const email = uniqueEmail();
    const c = await person({ title: 'Mr.', firstName: 'Erik', lastName: `Gone${randomUUID().slice(0, 6)}`, email, phone: '020 7946 0001', address: ADDRESS });
    const partner = await person({ firstName: 'Stay', lastName: 'Here', householdId: c.household.id });
    await gift(c.id, 1200);
    await ok(acme, CONSENT, { input: { contactId: c.id, channel: 'EMAIL', granted: true, source: 'web', idempotencyKey: key() } });
    await ok(acme, UPDATE, { input: { contactId: c.id, phone: '020 7946 0002', idempotencyKey: key() } });
    await eventually(async () => (await giving(c.id)).giving.giftCount === 1);

    const input = { contactId: c.id, reason: 'GDPR request ref 1234', idempotencyKey: key() };
    const erased = (await ok(acme, ERASE, { input })).eraseContact.contact;
    expect(erased).toMatchObject({
      title: null,
      firstName: 'Erased',
      lastName: 'Erased',
      displayName: 'Erased Erased',
      email: null,
      phone: null,
      address: null,
      household: null,
      consents: [],
      erasedAt: expect.any(String),
    });
    const [stored] = await rows('acme', `SELECT * FROM contacts WHERE id = $1`, [c.id]);
    expect(stored).toMatchObject({ postcode: null, city: null, house_name_or_number: null, address_line1: null, country: null, email: null });
    expect(await rows('acme', `SELECT * FROM contact_consents WHERE contact_id = $1`, [c.id])).toEqual([]);
    // Gifts are kept (financial records), so are the rollups of the contact.
    expect(await giving(c.id)).toMatchObject({ giving: { lifetimeTotal: { amountMinor: 1200 }, giftCount: 1 }, gifts: { edges: [expect.anything()] } });
    // The household is renamed after who is left.
    expect(await household(partner.household.id)).toMatchObject({ name: 'Here Household', members: [{ id: partner.id }] });

    // The event and the audit trail hold no personal data; earlier audit entries lose theirs.
    expect((await eventually(async () => events('erased', c.id)[0])).data).toEqual({ contactId: c.id, erasedAt: erased.erasedAt });
    const audit = (await ok(acme, AUDIT, { id: c.id })).fundraisingAuditEvents.edges.map((e: any) => e.node);
    expect(audit.map((a: any) => a.action)).toEqual(['contact.created', 'contact.consent-recorded', 'contact.updated', 'contact.erased']);
    expect(JSON.parse(audit[3].after)).toEqual({ erasedAt: erased.erasedAt, reason: 'GDPR request ref 1234', alsoErased: [] });
    const trail = JSON.stringify(audit);
    for (const personal of ['Erik', c.lastName, email, '7946', 'Downing', 'SW1A']) expect(trail).not.toContain(personal);

    // Replay; then it cannot be erased, changed, merged or matched again.
    const before = await footprint('acme');
    expect((await ok(acme, ERASE, { input })).eraseContact.contact.id).toBe(c.id);
    expect(await footprint('acme')).toEqual(before);
    await expectError(await acme(ERASE, { input: { ...input, reason: 'other' } }), 'IDEMPOTENCY_CONFLICT', 'input.idempotencyKey');
    await expectRejected(acme, 'acme', ERASE, { input: { ...input, idempotencyKey: key() } }, 'CONFLICT', 'input.contactId');
    await expectRejected(acme, 'acme', UPDATE, { input: { contactId: c.id, firstName: 'Back', idempotencyKey: key() } }, 'CONFLICT', 'input.contactId');
    await expectRejected(acme, 'acme', MERGE, { input: { survivorId: partner.id, duplicateId: c.id, idempotencyKey: key() } }, 'CONFLICT', 'input.duplicateId');
    await expectRejected(acme, 'acme', CONSENT, { input: { contactId: c.id, channel: 'SMS', granted: true, source: 'x', idempotencyKey: key() } }, 'CONFLICT', 'input.contactId');
    expect((await ok(acme, MATCH, { input: { firstName: 'Erased', lastName: 'Erased', postcode: 'SW1A 2AA' } })).possibleDuplicates).toEqual([]);
    expect((await ok(acme, DUPLICATES_OF, { id: c.id })).contact.possibleDuplicates).toEqual([]);
  });

  it('also erases the records merged into the contact', async () => {
    const a = await person({ firstName: 'Pat', lastName: 'Twice' });
    const b = await person({ firstName: 'Pat', lastName: 'Twice', phone: '020 7946 0003' });
    await ok(acme, MERGE, { input: { survivorId: a.id, duplicateId: b.id, idempotencyKey: key() } });
    await ok(acme, ERASE, { input: { contactId: a.id, reason: 'request', idempotencyKey: key() } });
    expect(await contact(b.id)).toMatchObject({ firstName: 'Erased', lastName: 'Erased', phone: null, email: null, erasedAt: expect.any(String), mergedInto: a.id });
    expect((await eventually(async () => events('erased', b.id)[0])).data.contactId).toBe(b.id);
  });

  it('refuses bad input naming the field, writing nothing', async () => {
    const c = await person();
    await expectRejected(acme, 'acme', ERASE, { input: { contactId: c.id, reason: ' ', idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.reason');
    await expectRejected(acme, 'acme', ERASE, { input: { contactId: c.id, reason: 'x'.repeat(501), idempotencyKey: key() } }, 'BAD_USER_INPUT', 'input.reason');
    await expectRejected(acme, 'acme', ERASE, { input: { contactId: randomUUID(), reason: 'r', idempotencyKey: key() } }, 'NOT_FOUND', 'input.contactId');
  });
});

describe('tenant isolation', () => {
  it('does not show another tenant’s contacts, households or duplicates', async () => {
    const email = uniqueEmail();
    const c = await person({ email, address: ADDRESS, lastName: `Iso${randomUUID().slice(0, 6)}` });
    await ok(acme, CONSENT, { input: { contactId: c.id, channel: 'EMAIL', granted: true, source: 'web', idempotencyKey: key() } });
    expect((await ok(bravo, CONTACT, { id: c.id })).contact).toBeNull();
    expect((await ok(bravo, HOUSEHOLD, { id: c.household.id })).household).toBeNull();
    expect((await ok(bravo, MATCH, { input: { email } })).possibleDuplicates).toEqual([]);
    expect((await ok(bravo, MATCH, { input: { firstName: 'Ada', lastName: c.lastName, postcode: 'SW1A 2AA' } })).possibleDuplicates).toEqual([]);
    // bravo's look-alike sees only bravo's contacts as duplicates.
    const twin = await person({ email, address: ADDRESS, lastName: c.lastName }, bravo);
    expect((await ok(bravo, DUPLICATES_OF, { id: twin.id })).contact.possibleDuplicates).toEqual([]);
    const list = (await ok(bravo, CONTACTS, { includeMerged: true })).contacts.edges.map((e: any) => e.node.id);
    expect(list).not.toContain(c.id);
    expect(list).toContain(twin.id);
    // Through the federation entity resolver too.
    const entities = await bravo(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id } } }`, { r: [{ __typename: 'Contact', id: c.id }] });
    expect(entities.data?._entities?.[0] ?? null).toBeNull();
  });

  it('treats another tenant’s ids as missing in every mutation', async () => {
    const c = await person({ address: ADDRESS });
    const own = await person({}, bravo);
    const cases: [string, Record<string, unknown>, string][] = [
      [UPDATE, { contactId: c.id, firstName: 'Hijack' }, 'input.contactId'],
      [ADD_TO_HOUSEHOLD, { contactId: c.id }, 'input.contactId'],
      [ADD_TO_HOUSEHOLD, { contactId: own.id, householdId: c.household.id }, 'input.householdId'],
      [UPDATE_HOUSEHOLD, { householdId: c.household.id, name: 'Hijack' }, 'input.householdId'],
      [MERGE, { survivorId: own.id, duplicateId: c.id }, 'input.duplicateId'],
      [MERGE, { survivorId: c.id, duplicateId: own.id }, 'input.survivorId'],
      [CONSENT, { contactId: c.id, channel: 'EMAIL', granted: false, source: 'x' }, 'input.contactId'],
      [ERASE, { contactId: c.id, reason: 'x' }, 'input.contactId'],
      [CREATE, { firstName: 'A', lastName: 'B', householdId: c.household.id }, 'input.householdId'],
    ];
    const acmeBefore = await footprint('acme');
    for (const [query, input, field] of cases) {
      await expectRejected(bravo, 'bravo', query, { input: { ...input, idempotencyKey: key() } }, 'NOT_FOUND', field);
    }
    expect(await footprint('acme')).toEqual(acmeBefore);
    expect(await contact(c.id)).toMatchObject({ firstName: 'Ada', erasedAt: null, mergedInto: null });
  });
});
