// Authorization through the gateway, tried as an attacker would (issue 11 items 5 and 6): each role
// against mutations it must not call (FORBIDDEN naming the permission, nothing written), the roles
// that may call them succeeding, narrow-scope callers on fundraising and volunteers (refused: their
// data is not divided by building), entity fetches straight to a subgraph, the plain-HTTP import
// route, and another tenant's ids. The matrix itself is docs/security/roles.md.
import { bearer, eventually, gql } from '@commonhold/testing';
import { tenantRows as rowsOf } from '@commonhold/testing/src/support';
import { startTestPlatform, type Caller, type TestPlatform } from '@commonhold/testing/src/platform';
import { CSV_HEADER } from '../../services/fundraising/test/import/dataset';
import { buildContact, buildGift, createContact, CREATE_CONTACT, idempotencyKey, ok, recordGift, RECORD_GIFT, refused, REFUND_GIFT, tenantName, tenantRows } from '../../services/fundraising/test/support';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['fundraising', 'volunteers'] });
}, 120_000);
afterAll(async () => platform?.stop());

const B1 = '00000000-0000-4000-8000-0000000000b1';
const A1 = '00000000-0000-4000-8000-0000000000a1';
const V1 = '00000000-0000-4000-8000-0000000000f1';

const ERASE = `mutation($input: EraseContactInput!) { eraseContact(input: $input) { contact { id erasedAt } } }`;
const REBUILD = `mutation($input: RebuildRollupsInput!) { rebuildRollups(input: $input) { contacts } }`;
const CLAIM = `mutation($input: CreateGiftAidClaimInput!) { createGiftAidClaim(input: $input) { claim { id } } }`;
const CONFIGURE = `mutation($input: ConfigurePaymentProviderInput!) { configurePaymentProvider(input: $input) { account { provider } } }`;
const SETTINGS = `mutation($input: UpdateFundraisingSettingsInput!) { updateFundraisingSettings(input: $input) { settings { fiscalYearStartMonth } } }`;
const REGISTER = `mutation($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { volunteerProfile { status } } }`;
const CONTACTS = `{ contacts(first: 50) { edges { node { id } } } }`;
const today = () => new Date().toISOString().slice(0, 10);

const volunteersRows = (tenant: string, sql: string, params: unknown[] = []) => rowsOf(platform, 'volunteers', tenant, sql, params);

/** Everything a refused call could have written, in both services' databases. */
async function footprint(tenant: string) {
  const [f] = await tenantRows(
    platform,
    tenant,
    `SELECT (SELECT count(*) FROM contacts)::int AS contacts, (SELECT count(*) FROM contacts WHERE erased_at IS NOT NULL)::int AS erased,
            (SELECT count(*) FROM gifts)::int AS gifts, (SELECT count(*) FROM gift_refunds)::int AS refunds, (SELECT count(*) FROM gift_aid_claims)::int AS claims,
            (SELECT count(*) FROM payment_provider_accounts)::int AS providers, (SELECT count(*) FROM fundraising_settings)::int AS settings,
            (SELECT count(*) FROM audit_events)::int AS audit, (SELECT count(*) FROM idempotency_keys)::int AS keys, (SELECT count(*) FROM outbox)::int AS outbox`,
  );
  const [v] = await volunteersRows(tenant, `SELECT count(*)::int AS profiles FROM volunteer_profiles`);
  return { ...f, ...v };
}

describe('authorization by role', () => {
  const tenant = tenantName('roles');
  let contactId: string;
  let giftId: string;

  beforeAll(async () => {
    const as = platform.as(tenant);
    contactId = await createContact(as);
    giftId = await recordGift(as, contactId);
    // The volunteers projection has learned of the contact, so a refused registerVolunteer is refused
    // for its role, not for an unknown contact.
    await eventually(async () => (await volunteersRows(tenant, 'SELECT 1 FROM known_contacts WHERE contact_id = $1', [contactId])).length === 1);
  });

  const attempts: [roles: string[], what: string, permission: string, query: string, input: () => Record<string, unknown>][] = [
    [['viewer'], 'eraseContact', 'contacts:erase', ERASE, () => ({ contactId, reason: 'GDPR ref 1', idempotencyKey: idempotencyKey() })],
    [[], 'rebuildRollups', 'rollups:rebuild', REBUILD, () => ({ idempotencyKey: idempotencyKey() })],
    [['fundraiser'], 'eraseContact', 'contacts:erase', ERASE, () => ({ contactId, reason: 'GDPR ref 2', idempotencyKey: idempotencyKey() })],
    [['fundraiser'], 'createGiftAidClaim', 'gift-aid:claim', CLAIM, () => ({ upTo: today(), idempotencyKey: idempotencyKey() })],
    [['fundraiser'], 'refundGift', 'gifts:refund', REFUND_GIFT, () => ({ giftId, idempotencyKey: idempotencyKey() })],
    [['fundraiser', 'finance'], 'configurePaymentProvider', 'payment-providers:configure', CONFIGURE, () => ({ provider: 'STRIPE', webhookSecret: 'whsec_x', idempotencyKey: idempotencyKey() })],
    [['finance'], 'eraseContact', 'contacts:erase', ERASE, () => ({ contactId, reason: 'GDPR ref 3', idempotencyKey: idempotencyKey() })],
    [['finance'], 'updateFundraisingSettings', 'settings:write', SETTINGS, () => ({ fiscalYearStartMonth: 4, idempotencyKey: idempotencyKey() })],
    [['finance'], 'registerVolunteer', 'volunteers:write', REGISTER, () => ({ contactId, idempotencyKey: idempotencyKey() })],
    [['auditor'], 'recordGift', 'gifts:write', RECORD_GIFT, () => buildGift(contactId)],
    [['auditor'], 'createContact', 'contacts:write', CREATE_CONTACT, () => buildContact()],
    [['auditor'], 'rebuildRollups', 'rollups:rebuild', REBUILD, () => ({ idempotencyKey: idempotencyKey() })],
    [['volunteer_coordinator'], 'recordGift', 'gifts:write', RECORD_GIFT, () => buildGift(contactId)],
    [['grants_manager'], 'createGiftAidClaim', 'gift-aid:claim', CLAIM, () => ({ upTo: today(), idempotencyKey: idempotencyKey() })],
    [['building_manager'], 'createContact', 'contacts:write', CREATE_CONTACT, () => buildContact()],
    [['owner'], 'recordGift', 'gifts:write', RECORD_GIFT, () => buildGift(contactId)],
    [['vendor'], 'registerVolunteer', 'volunteers:write', REGISTER, () => ({ contactId, idempotencyKey: idempotencyKey() })],
  ];

  it.each(attempts)('%j may not call %s: FORBIDDEN naming %s, nothing written', async (roles, _what, permission, query, input) => {
    const before = await footprint(tenant);
    const err = await refused(platform.as(tenant, { roles }), query, { input: input() });
    expect(err).toMatchObject({ code: 'FORBIDDEN', permission, reason: 'PERMISSION' });
    expect(err.message).toContain(permission);
    expect(await footprint(tenant)).toEqual(before);
  });

  it('lets each role do what the matrix grants it', async () => {
    const fundraiser = platform.as(tenant, { roles: ['fundraiser'] });
    const c = await createContact(fundraiser);
    const g = await recordGift(fundraiser, c);
    const finance = platform.as(tenant, { roles: ['finance'] });
    expect((await ok(finance, REFUND_GIFT, { input: { giftId: g, idempotencyKey: idempotencyKey() } })).refundGift.gift.id).toBe(g);
    expect((await ok(finance, REBUILD, { input: { idempotencyKey: idempotencyKey() } })).rebuildRollups.contacts).toBeGreaterThanOrEqual(2);
    const auditor = platform.as(tenant, { roles: ['auditor'] });
    expect((await ok(auditor, CONTACTS)).contacts.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(expect.arrayContaining([contactId, c]));
    const coordinator = platform.as(tenant, { roles: ['volunteer_coordinator'] });
    expect((await ok(coordinator, REGISTER, { input: { contactId, idempotencyKey: idempotencyKey() } })).registerVolunteer.volunteerProfile.status).toBe('ACTIVE');
    expect((await ok(platform.as(tenant), ERASE, { input: { contactId: c, reason: 'GDPR ref 9', idempotencyKey: idempotencyKey() } })).eraseContact.contact.erasedAt).toEqual(expect.any(String));
  });

  it('checks fields other subgraphs add: finance reads the contact but not its volunteer profile', async () => {
    const q = `query($id: ID!) { contact(id: $id) { id volunteerProfile { status } } }`;
    await eventually(async () => (await platform.as(tenant, { roles: ['fundraiser'] })(q, { id: contactId })).data?.contact?.volunteerProfile?.status === 'ACTIVE');
    const r = await platform.as(tenant, { roles: ['finance'] })(q, { id: contactId });
    expect(r.data.contact).toEqual({ id: contactId, volunteerProfile: null });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', permission: 'volunteers:read' });
  });

  it('refuses an entity fetch straight to a subgraph without the permission', async () => {
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id } } }`;
    const reps = { r: [{ __typename: 'Contact', id: contactId }] };
    const asOwner = await gql(platform.services.fundraising!.url, entities, reps, bearer(await platform.token(tenant, { roles: ['owner'] })));
    expect(asOwner.data?._entities ?? null).toBeNull();
    expect(asOwner.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', permission: 'contacts:read' });
    const asAuditor = await gql(platform.services.fundraising!.url, entities, reps, bearer(await platform.token(tenant, { roles: ['auditor'] })));
    expect(asAuditor.data?._entities).toEqual([{ id: contactId }]);
  });
});

describe('scope on fundraising and volunteers', () => {
  const tenant = tenantName('scoped');
  let contactId: string;
  beforeAll(async () => {
    contactId = await createContact(platform.as(tenant));
  });

  it.each<[string, Caller]>([
    ['a building-scoped admin', { roles: ['admin'], scope: [`building:${B1}`] }],
    ['an apartment-scoped fundraiser', { roles: ['fundraiser'], scope: [`apartment:${A1}`] }],
    ['a vendor-scoped auditor', { roles: ['auditor'], scope: [`vendor:${V1}`] }],
  ])('%s reads no contact: FORBIDDEN for scope (not an empty list that looks like the truth)', async (_who, caller) => {
    const as = platform.as(tenant, caller);
    const r = await as(CONTACTS);
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE' });
    const one = await as(`query($id: ID!) { contact(id: $id) { id email } }`, { id: contactId });
    expect(one.data?.contact ?? null).toBeNull();
    expect(one.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE' });
  });

  it('a building-scoped admin writes nothing in fundraising or volunteers', async () => {
    const as = platform.as(tenant, { roles: ['admin'], scope: [`building:${B1}`] });
    const before = await footprint(tenant);
    expect(await refused(as, CREATE_CONTACT, { input: buildContact() })).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE', permission: 'contacts:write' });
    expect(await refused(as, ERASE, { input: { contactId, reason: 'x', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE' });
    expect(await refused(as, REGISTER, { input: { contactId, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE' });
    expect(await footprint(tenant)).toEqual(before);
  });

  it('refuses a scoped entity fetch straight to volunteers', async () => {
    const r = await gql(
      platform.services.volunteers!.url,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { volunteerProfile { status } } } }`,
      { r: [{ __typename: 'Contact', id: contactId }] },
      bearer(await platform.token(tenant, { roles: ['admin'], scope: [`building:${B1}`] })),
    );
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE' });
  });
});

describe('POST /imports (a plain-HTTP route acting for a user)', () => {
  const url = () => platform.services.fundraising!.url.replace(/\/graphql$/, '/imports');
  const csv = `${CSV_HEADER}\nOK-1,,Mr,John,Smith,,john@example.org,1,High Street,,London,SW1A 1AA,GB,25.00,GBP,2024-05-01,CARD,,,\n`;
  const post = async (tenant: string, caller: Caller) =>
    fetch(`${url()}?fileName=a.csv&dryRun=true`, { method: 'POST', headers: { ...bearer(await platform.token(tenant, caller)), 'content-type': 'text/csv', 'idempotency-key': idempotencyKey() }, body: csv });

  it('answers 403 naming imports:write to a role without it, and to a narrow scope; a fundraiser may import', async () => {
    const tenant = tenantName('imp-roles');
    const auditor = await post(tenant, { roles: ['auditor'] });
    expect(auditor.status).toBe(403);
    expect(((await auditor.json()) as any).errors[0].extensions).toEqual({ code: 'FORBIDDEN', permission: 'imports:write', reason: 'PERMISSION' });
    const scoped = await post(tenant, { roles: ['admin'], scope: [`building:${B1}`] });
    expect(scoped.status).toBe(403);
    expect(((await scoped.json()) as any).errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE' });
    expect(await tenantRows(platform, tenant, 'SELECT id FROM import_jobs')).toEqual([]);
    const fundraiser = await post(tenant, { roles: ['fundraiser'] });
    expect(fundraiser.status).toBe(200);
    expect(((await fundraiser.json()) as any).job.status).toBe('VALIDATED');
  });
});

describe('another tenant', () => {
  it("cannot read, erase or refund the first tenant's contact and gift, even as admin", async () => {
    const acme = platform.as(tenantName('acme'));
    const bravoTenant = tenantName('bravo');
    const bravo = platform.as(bravoTenant);
    const c = await createContact(acme);
    const g = await recordGift(acme, c);
    expect((await ok(bravo, `query($id: ID!) { contact(id: $id) { id } }`, { id: c })).contact).toBeNull();
    expect((await ok(bravo, `query($id: ID!) { gift(id: $id) { id } }`, { id: g })).gift).toBeNull();
    expect(await refused(bravo, ERASE, { input: { contactId: c, reason: 'x', idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refused(bravo, REFUND_GIFT, { input: { giftId: g, idempotencyKey: idempotencyKey() } })).toMatchObject({ code: 'NOT_FOUND' });
    expect((await ok(acme, `query($id: ID!) { contact(id: $id) { id erasedAt giving { giftCount } } }`, { id: c })).contact).toMatchObject({ id: c, erasedAt: null });
    expect(await footprint(bravoTenant)).toMatchObject({ contacts: 0, gifts: 0, erased: 0, refunds: 0 });
  });
});
