// Building and apartment scope fence collections' rows (the JWT `scope` claim, carried into every
// transaction and enforced by restrictive row-level security policies): a manager scoped to
// building A neither reads nor writes building B; an owner scoped to one apartment sees only it.
import { randomUUID } from 'node:crypto';
import { accessScope, withTenant } from '@commonhold/kit';
import { bearer, gql } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { errorOf, givenBuilding, key, ok, type Caller } from './support/collections';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['collections'] });
}, 120_000);
afterAll(async () => platform?.stop());

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const gbp = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });
const CHARGE = `mutation($input: PostChargeInput!) { postCharge(input: $input) { entry { id } } }`;
const charge = (call: Caller, apartmentId: string, amountMinor = 10_000) =>
  call<any>(CHARGE, { input: { apartmentId, type: 'COMMON_EXPENSE', amount: gbp(amountMinor), bookedOn: day(-40), dueOn: day(-40), idempotencyKey: key() } });
const ids = (conn: { edges: { node: { id: string } }[] }) => conn.edges.map((e) => e.node.id).sort();

/** Tenant with buildings A (apartments a1, a2) and B (b1), each with a charge; a1 has an owner; B a policy override. */
async function given() {
  const tenant = `scope-${randomUUID()}`;
  const office = platform.as(tenant);
  const A = await givenBuilding(office, 2);
  const B = await givenBuilding(office, 1);
  const [a1, a2] = A.apartments.map((a) => a.id) as [string, string];
  const b1 = B.apartments[0]!.id;
  const entries = { a1: ok(await charge(office, a1)).postCharge.entry.id, a2: ok(await charge(office, a2)).postCharge.entry.id, b1: ok(await charge(office, b1)).postCharge.entry.id };
  ok(await office(`mutation($input: AddApartmentPartyInput!) { addApartmentParty(input: $input) { party { id } } }`, { input: { apartmentId: a1, role: 'OWNER', name: 'Olive Owner', idempotencyKey: key() } }));
  ok(
    await office(`mutation($input: SetDunningPolicyInput!) { setDunningPolicy(input: $input) { policy { id } } }`, {
      input: { scope: 'TENANT', steps: [{ key: 'letter', bucket: 'D31_60', channel: 'LETTER', template: 'letter.formal' }], idempotencyKey: key() },
    }),
  );
  const bPolicy = ok(
    await office(`mutation($input: SetDunningPolicyInput!) { setDunningPolicy(input: $input) { policy { id } } }`, {
      input: { scope: 'BUILDING', buildingId: A.building.id, steps: [{ key: 'sms', bucket: 'D31_60', channel: 'SMS', template: 'sms.nudge' }], idempotencyKey: key() },
    }),
  ).setDunningPolicy.policy.id;
  return { tenant, office, A: A.building.id as string, B: B.building.id as string, a1, a2, b1, entries, bPolicy };
}

describe('a manager scoped to building A', () => {
  it('reads only building A and what is in it', async () => {
    const g = await given();
    const mgr = platform.as(g.tenant, { roles: ['building_manager'], scope: [`building:${g.A}`] });
    expect(ids(ok(await mgr<any>(`{ buildings(first: 10) { edges { node { id } } } }`)).buildings)).toEqual([g.A]);
    expect(ids(ok(await mgr<any>(`{ apartments(first: 10) { edges { node { id } } } }`)).apartments)).toEqual([g.a1, g.a2].sort());
    expect(ok(await mgr<any>(`query($id: ID!) { building(id: $id) { id } }`, { id: g.B })).building).toBeNull();
    expect(ok(await mgr<any>(`query($id: ID!) { apartment(id: $id) { id } }`, { id: g.b1 })).apartment).toBeNull();
    expect(ok(await mgr<any>(`query($id: ID!) { ledgerEntry(id: $id) { id } }`, { id: g.entries.b1 })).ledgerEntry).toBeNull();
    expect(ok(await mgr<any>(`query($id: ID!) { debtReport(buildingId: $id) { asOf } }`, { id: g.B })).debtReport).toBeNull();
    const report = ok(await mgr<any>(`query($id: ID!) { debtReport(buildingId: $id) { totals { apartments balance { amountMinor } } } }`, { id: g.A })).debtReport;
    expect(report.totals).toEqual({ apartments: 2, balance: { amountMinor: 20_000 } });
    // Straight to the subgraph, as another subgraph's reference would come.
    const r = await gql(platform.services.collections!.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Building { id name } } }`, { r: [{ __typename: 'Building', id: g.B }] }, bearer(await platform.token(g.tenant, { roles: ['building_manager'], scope: [`building:${g.A}`] })));
    expect(r.data?._entities).toEqual([null]);
    expect(errorOf(await mgr(`query($id: ID!) { collectionsAuditEvents(entityId: $id) { edges { node { id } } } }`, { id: g.entries.a1 })).code).toBe('FORBIDDEN');
  });

  it('writes only in building A: everything aimed at B is not found, tenant-wide writes are forbidden', async () => {
    const g = await given();
    const mgr = platform.as(g.tenant, { roles: ['building_manager'], scope: [`building:${g.A}`] });
    ok(await charge(mgr, g.a1, 500));
    expect(errorOf(await charge(mgr, g.b1, 500))).toMatchObject({ code: 'NOT_FOUND', field: 'input.apartmentId' });
    expect(errorOf(await mgr(`mutation($input: CreateApartmentInput!) { createApartment(input: $input) { apartment { id } } }`, { input: { buildingId: g.B, unit: 'X', idempotencyKey: key() } })).code).toBe('NOT_FOUND');
    ok(await mgr(`mutation($input: CreateApartmentInput!) { createApartment(input: $input) { apartment { id } } }`, { input: { buildingId: g.A, unit: 'X', idempotencyKey: key() } }));
    expect(errorOf(await mgr(`mutation($input: UpdateBuildingInput!) { updateBuilding(input: $input) { building { id } } }`, { input: { id: g.B, name: 'Mine now', idempotencyKey: key() } })).code).toBe('NOT_FOUND');
    expect(errorOf(await mgr(`mutation($input: ReverseLedgerEntryInput!) { reverseLedgerEntry(input: $input) { entry { id } } }`, { input: { entryId: g.entries.b1, reason: 'x', idempotencyKey: key() } })).code).toBe('NOT_FOUND');
    const SET = `mutation($input: SetDunningPolicyInput!) { setDunningPolicy(input: $input) { policy { id } } }`;
    const steps = [{ key: 'e', bucket: 'D0_30', channel: 'EMAIL', template: 'e.mail' }];
    expect(errorOf(await mgr(SET, { input: { scope: 'BUILDING', buildingId: g.B, steps, idempotencyKey: key() } })).code).toBe('NOT_FOUND');
    expect(errorOf(await mgr(SET, { input: { scope: 'TENANT', steps, idempotencyKey: key() } })).code).toBe('FORBIDDEN');
    ok(await mgr(SET, { input: { scope: 'BUILDING', buildingId: g.A, steps, idempotencyKey: key() } }));
    expect(errorOf(await mgr(`mutation($input: CreateBuildingInput!) { createBuilding(input: $input) { building { id } } }`, { input: { name: 'N', address: { line1: '1', city: 'C', postcode: 'BS1 4DJ' }, idempotencyKey: key() } })).code).toBe('FORBIDDEN');
    expect(errorOf(await mgr(`mutation($input: ImportBankStatementInput!) { importBankStatement(input: $input) { statement { id } } }`, { input: { content: 'date,amount,reference\n2026-01-01,1,x\n', idempotencyKey: key() } })).code).toBe('FORBIDDEN');
    // B is untouched.
    const b = ok(await g.office<any>(`query($id: ID!) { apartment(id: $id) { balance { balance { amountMinor } } } building(id: "${g.B}") { name } }`, { id: g.b1 }));
    expect(b).toEqual({ apartment: { balance: { balance: { amountMinor: 10_000 } } }, building: { name: 'Harbour House' } });
  });

  it('is fenced by the database itself, not only by the resolvers', async () => {
    const g = await given();
    const ds = platform.services.collections!.runtime.ds;
    const who = { tenantId: g.tenant, scope: accessScope([`building:${g.A}`]) };
    const seen = await withTenant(ds, who, (m) => m.query(`SELECT DISTINCT building_id FROM ledger_entries`));
    expect(seen).toEqual([{ building_id: g.A }]);
    const insert = withTenant(ds, who, (m) =>
      m.query(
        `INSERT INTO ledger_entries (id, tenant_id, building_id, apartment_id, kind, subtype, amount_minor, currency, booked_on, due_on, created_by)
         VALUES ($1, $2, $3, $4, 'charge', 'one_off', 1, 'GBP', current_date, current_date, 'x')`,
        [randomUUID(), g.tenant, g.B, g.b1],
      ),
    );
    await expect(insert).rejects.toThrow(/row-level security/);
    const moved = await withTenant(ds, who, (m) => m.query(`UPDATE apartments SET unit = 'stolen' WHERE id = $1 RETURNING id`, [g.b1]));
    expect(moved).toEqual([[], 0]);
  });
});

describe('an owner scoped to one apartment', () => {
  it('sees only that apartment, its ledger and its building (read only)', async () => {
    const g = await given();
    const owner = platform.as(g.tenant, { roles: ['owner'], scope: [`apartment:${g.a1}`] });
    expect(ids(ok(await owner<any>(`{ apartments(first: 10) { edges { node { id } } } }`)).apartments)).toEqual([g.a1]);
    expect(ids(ok(await owner<any>(`{ buildings(first: 10) { edges { node { id } } } }`)).buildings)).toEqual([g.A]);
    expect(ok(await owner<any>(`query($id: ID!) { apartment(id: $id) { id } }`, { id: g.a2 })).apartment).toBeNull();
    expect(ok(await owner<any>(`query($id: ID!) { ledgerEntry(id: $id) { id } }`, { id: g.entries.a2 })).ledgerEntry).toBeNull();
    const mine = ok(
      await owner<any>(`query($id: ID!) { apartment(id: $id) { building { id apartments(first: 10) { edges { node { id } } } } parties { name } balance { balance { amountMinor } bucket } } }`, { id: g.a1 }),
    ).apartment;
    expect(mine).toEqual({ building: { id: g.A, apartments: { edges: [{ node: { id: g.a1 } }] } }, parties: [{ name: 'Olive Owner' }], balance: { balance: { amountMinor: 10_000 }, bucket: 'D31_60' } });
    const report = ok(await owner<any>(`query($id: ID!) { debtReport(buildingId: $id) { rows { apartment { id } } } }`, { id: g.A })).debtReport;
    expect(report.rows).toEqual([{ apartment: { id: g.a1 } }]);
    // The building's override decides the owner's dunning, so the owner reads it too.
    const preview = ok(await owner<any>(`query($id: ID!) { dunningPreview(apartmentId: $id) { action stepKey policy { id } } }`, { id: g.a1 })).dunningPreview;
    expect(preview).toEqual({ action: 'SEND', stepKey: 'sms', policy: { id: g.bPolicy } });
    expect(ok(await owner<any>(`query($id: ID!) { dunningPreview(apartmentId: $id) { action } }`, { id: g.a2 })).dunningPreview).toBeNull();
    expect(errorOf(await charge(owner, g.a1)).code).toBe('FORBIDDEN');
  });
});
