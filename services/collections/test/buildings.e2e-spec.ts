// Buildings, apartments, shares and parties through the gateway on real PostgreSQL: validation,
// idempotency, events, GDPR erasure, permissions and tenant isolation.
import { randomUUID } from 'node:crypto';
import { eventually } from '@commonhold/testing';
import { tenantRows } from '@commonhold/testing/src/support';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { buildBuildingInput, CREATE_APARTMENT, CREATE_BUILDING, errorOf, givenBuilding, key, ok, SET_SHARES } from './support/collections';

let platform: TestPlatform;
const seen: { type: string; subject: string; key: string; data: any }[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['collections'] });
  await platform.transports[0]!.subscribe('buildings-e2e.watch', ['collections.building', 'collections.apartment'], async (m) => {
    seen.push({ type: m.headers.ce_type!, subject: m.headers.ce_subject!, key: m.key, data: JSON.parse(m.value) });
  });
}, 120_000);
afterAll(async () => platform?.stop());

const tenant = () => `acme-${randomUUID()}`;
const events = (type: string, subject: string) => seen.filter((e) => e.type === type && e.subject === subject);
/** The events of `type` about `subject`, once at least one arrived. */
const arrived = (type: string, subject: string) => eventually(async () => (events(type, subject).length ? events(type, subject) : null));

describe('buildings and apartments', () => {
  it('creates a building once per idempotency key, with a normalised address and a building.created event', async () => {
    const acme = platform.as(tenant());
    const input = buildBuildingInput({ address: { line1: '1 Quay Street', city: 'Bristol', postcode: 'bs14dj' } });
    const b = ok(await acme<any>(CREATE_BUILDING, { input })).createBuilding.building;
    expect(b).toMatchObject({ name: 'Harbour House', currency: 'GBP', sharesComplete: false, ownershipShareTotal: 0, address: { postcode: 'BS1 4DJ', country: 'GB' } });
    expect(ok(await acme<any>(CREATE_BUILDING, { input })).createBuilding.building.id).toBe(b.id);
    expect(errorOf(await acme(CREATE_BUILDING, { input: { ...input, name: 'Other' } })).code).toBe('IDEMPOTENCY_CONFLICT');
    const page = ok(await acme<any>(`{ buildings(first: 5) { edges { node { id } } pageInfo { hasNextPage } } }`)).buildings;
    expect(page).toEqual({ edges: [{ node: { id: b.id } }], pageInfo: { hasNextPage: false } });
    const created = await arrived('commonhold.collections.building.created.v1', b.id);
    expect(created).toHaveLength(1);
    expect(created[0]!.data).toMatchObject({ buildingId: b.id, address: { postcode: 'BS1 4DJ' } });
  });

  it('refuses bad input naming the field and writes nothing', async () => {
    const acme = platform.as(tenant());
    expect(errorOf(await acme(CREATE_BUILDING, { input: buildBuildingInput({ address: { line1: 'x', city: 'y', postcode: 'nope' } }) }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.address.postcode',
    });
    expect(ok(await acme<any>(`{ buildings(first: 5) { edges { node { id } } } }`)).buildings.edges).toEqual([]);
    const missing = await acme(CREATE_APARTMENT, { input: { buildingId: randomUUID(), unit: '1', idempotencyKey: key() } });
    expect(errorOf(missing)).toMatchObject({ code: 'NOT_FOUND', field: 'input.buildingId' });
  });

  it('sets the share table whole: refuses sums other than 1000, accepts 1000, and an added apartment makes it incomplete', async () => {
    const acme = platform.as(tenant());
    const b = ok(await acme<any>(CREATE_BUILDING, { input: buildBuildingInput() })).createBuilding.building;
    const a1 = ok(await acme<any>(CREATE_APARTMENT, { input: { buildingId: b.id, unit: '1A', idempotencyKey: key() } })).createApartment.apartment;
    const a2 = ok(await acme<any>(CREATE_APARTMENT, { input: { buildingId: b.id, unit: '1B', paymentReference: 'hh-1b', idempotencyKey: key() } })).createApartment.apartment;
    expect(a2.paymentReference).toBe('HH-1B');
    expect(errorOf(await acme(CREATE_APARTMENT, { input: { buildingId: b.id, unit: '1a', idempotencyKey: key() } }))).toMatchObject({ code: 'CONFLICT', field: 'input.unit' });

    const bad = await acme(SET_SHARES, { input: { buildingId: b.id, shares: [{ apartmentId: a1.id, ownershipShare: 500 }, { apartmentId: a2.id, ownershipShare: 499 }], idempotencyKey: key() } });
    expect(errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.shares' });
    const good = ok(await acme<any>(SET_SHARES, { input: { buildingId: b.id, shares: [{ apartmentId: a1.id, ownershipShare: 550 }, { apartmentId: a2.id, ownershipShare: 450 }], idempotencyKey: key() } }));
    expect(good.setBuildingShares.building).toEqual({ id: b.id, sharesComplete: true, ownershipShareTotal: 1000 });
    const updated = await arrived('commonhold.collections.apartment.updated.v1', a1.id);
    expect(updated.map((e) => [e.key, e.data.ownershipShare])).toEqual([[b.id, 550]]);

    ok(await acme(CREATE_APARTMENT, { input: { buildingId: b.id, unit: '2A', idempotencyKey: key() } }));
    const after = ok(await acme<any>(`query($id: ID!) { building(id: $id) { sharesComplete ownershipShareTotal apartments(first: 1) { edges { node { unit } } pageInfo { hasNextPage endCursor } } } }`, { id: b.id })).building;
    expect(after).toMatchObject({ sharesComplete: false, ownershipShareTotal: 1000, apartments: { edges: [{ node: { unit: '2A' } }], pageInfo: { hasNextPage: true } } });
    const next = ok(await acme<any>(`query($id: ID!, $after: String) { apartments(buildingId: $id, first: 5, after: $after) { edges { node { unit } } } }`, { id: b.id, after: after.apartments.pageInfo.endCursor })).apartments;
    expect(next.edges.map((e: any) => e.node.unit)).toEqual(['1B', '1A']);
  });

  it('keeps owners with contact details, channel and consent, and erases one for good', async () => {
    const acmeId = tenant();
    const acme = platform.as(acmeId);
    const { apartments } = await givenBuilding(acme, 1);
    const ADD = `mutation($input: AddApartmentPartyInput!) { addApartmentParty(input: $input) { party { id role name email phone preferredChannel consent { email sms letter } erasedAt } } }`;
    const refused = await acme(ADD, { input: { apartmentId: apartments[0]!.id, role: 'OWNER', name: 'Ada', email: 'ada@example.org', preferredChannel: 'EMAIL', idempotencyKey: key() } });
    expect(errorOf(refused)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.preferredChannel' });
    const party = ok(
      await acme<any>(ADD, {
        input: { apartmentId: apartments[0]!.id, role: 'OWNER', name: 'Ada', email: 'ada@example.org', phone: '+44 7700 900123', preferredChannel: 'EMAIL', consent: { email: true }, idempotencyKey: key() },
      }),
    ).addApartmentParty.party;
    expect(party).toMatchObject({ role: 'OWNER', phone: '+447700900123', preferredChannel: 'EMAIL', consent: { email: true, sms: false, letter: false } });

    const erased = ok(await acme<any>(`mutation($input: CollectionsDeleteInput!) { eraseApartmentParty(input: $input) { party { id name email phone erasedAt } } }`, { input: { id: party.id, idempotencyKey: key() } }));
    expect(erased.eraseApartmentParty.party).toMatchObject({ id: party.id, name: null, email: null, phone: null, erasedAt: expect.any(String) });
    const audit = ok(await acme<any>(`query($id: ID!) { collectionsAuditEvents(entityId: $id) { edges { node { action after } } } }`, { id: party.id })).collectionsAuditEvents.edges;
    expect(audit.map((e: any) => e.node.action)).toEqual(['party.added', 'party.erased']);
    expect(JSON.stringify(audit)).not.toMatch(/ada@example\.org|Ada|7700/);
    const rows = await tenantRows(platform, 'collections', acmeId, `SELECT name, email, phone FROM apartment_parties WHERE id = $1`, [party.id]);
    expect(rows).toEqual([{ name: null, email: null, phone: null }]);
    const update = await acme(`mutation($input: UpdateApartmentPartyInput!) { updateApartmentParty(input: $input) { party { id } } }`, { input: { id: party.id, name: 'Back', idempotencyKey: key() } });
    expect(errorOf(update).code).toBe('CONFLICT');
  });

  it('deletes an empty apartment and then its building, refusing a building that still has apartments', async () => {
    const acme = platform.as(tenant());
    const { building, apartments } = await givenBuilding(acme, 1);
    const DEL_B = `mutation($input: CollectionsDeleteInput!) { deleteBuilding(input: $input) { id } }`;
    expect(errorOf(await acme(DEL_B, { input: { id: building.id, idempotencyKey: key() } })).code).toBe('CONFLICT');
    ok(await acme(`mutation($input: CollectionsDeleteInput!) { deleteApartment(input: $input) { id } }`, { input: { id: apartments[0]!.id, idempotencyKey: key() } }));
    expect(ok(await acme<any>(DEL_B, { input: { id: building.id, idempotencyKey: key() } })).deleteBuilding.id).toBe(building.id);
    expect(ok(await acme<any>(`query($id: ID!) { building(id: $id) { id } }`, { id: building.id })).building).toBeNull();
  });

  it('refuses writes to a read-only role and every call without a known role', async () => {
    const id = tenant();
    const auditor = platform.as(id, { roles: ['auditor'] });
    expect(errorOf(await auditor(CREATE_BUILDING, { input: buildBuildingInput() }))).toMatchObject({ code: 'FORBIDDEN', permission: 'buildings:write' });
    expect(ok(await auditor<any>(`{ buildings(first: 1) { edges { node { id } } } }`)).buildings.edges).toEqual([]);
    const stranger = platform.as(id, { roles: ['volunteer'] });
    expect(errorOf(await stranger(`{ buildings(first: 1) { edges { node { id } } } }`)).code).toBe('FORBIDDEN');
  });

  it('does not return another tenant’s building or apartment, nor let it write to them', async () => {
    const acme = platform.as(tenant());
    const bravo = platform.as(tenant());
    const { building, apartments } = await givenBuilding(acme, 2);
    expect(ok(await bravo<any>(`query($id: ID!) { building(id: $id) { id } }`, { id: building.id })).building).toBeNull();
    expect(ok(await bravo<any>(`query($id: ID!) { apartment(id: $id) { id } }`, { id: apartments[0]!.id })).apartment).toBeNull();
    expect(ok(await bravo<any>(`{ buildings(first: 10) { edges { node { id } } } apartments(first: 10) { edges { node { id } } } }`))).toEqual({ buildings: { edges: [] }, apartments: { edges: [] } });
    expect(errorOf(await bravo(CREATE_APARTMENT, { input: { buildingId: building.id, unit: '9', idempotencyKey: key() } })).code).toBe('NOT_FOUND');
    expect(errorOf(await bravo(SET_SHARES, { input: { buildingId: building.id, shares: [{ apartmentId: apartments[0]!.id, ownershipShare: 1000 }], idempotencyKey: key() } })).code).toBe('NOT_FOUND');
    const entities = await bravo<any>(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Building { id } } }`, { r: [{ __typename: 'Building', id: building.id }] });
    expect(entities.data?._entities ?? [null]).toEqual([null]);
  });
});
