// The ledger's set-based posting of a bulk command's charges (postChargesSetBased) on real PostgreSQL
// under RLS as the app role: per-charge validation, idempotency per item shared with postCharge,
// one audit row and one ledger-entry.posted event per posted charge, nothing for a refused one.
import { randomUUID } from 'node:crypto';
import { withTenant } from '@commonhold/kit';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { tenantName } from '@commonhold/testing/src/support';
import { postCharge, postChargesSetBased, type ChargeSet } from '../src/modules/ledger';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['collections'], serviceEnv: { collections: { DUNNING_SCHEDULE_CRON: '' } } });
}, 120_000);
afterAll(async () => platform?.stop());

const rt = () => platform.services.collections!.runtime;
const inTenant = <T = any>(tenant: string, fn: (m: any) => Promise<T>): Promise<T> => withTenant(rt().ds, tenant, fn);

async function building(tenant: string, units: number): Promise<{ buildingId: string; apartments: string[] }> {
  return inTenant(tenant, async (m) => {
    const buildingId = randomUUID();
    await m.query(
      `INSERT INTO buildings (id, tenant_id, name, address_line1, city, postcode, country, currency) VALUES ($1, $2, 'Harbour House', '1 Quay Street', 'Bristol', 'BS1 4DJ', 'GB', 'GBP')`,
      [buildingId, tenant],
    );
    const apartments: string[] = [];
    for (let i = 1; i <= units; i++) {
      const id = randomUUID();
      await m.query(`INSERT INTO apartments (id, tenant_id, building_id, unit, payment_reference) VALUES ($1, $2, $3, $4, $5)`, [id, tenant, buildingId, `${i}`, `HH-${id.slice(0, 8)}`]);
      apartments.push(id);
    }
    return { buildingId, apartments };
  });
}

const set = (charges: ChargeSet['charges'], extra: Partial<ChargeSet> = {}): ChargeSet => ({
  actor: 'bulk-job:test',
  type: 'common_expense',
  currency: 'GBP',
  bookedOn: null,
  dueOn: '2026-12-31',
  description: 'Roof repair',
  charges,
  ...extra,
});

it('posts valid charges in one go, refuses the others per charge, and audits and publishes each posted one', async () => {
  const tenant = tenantName('acme');
  const { apartments } = await building(tenant, 3);
  const [a, b, c] = apartments as [string, string, string];
  const keys = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const out = await inTenant(tenant, (m) =>
    postChargesSetBased(m, rt().registry, tenant, set([
      { key: keys[0]!, apartmentId: a, amountMinor: 50_01 },
      { key: keys[1]!, apartmentId: b, amountMinor: 30_00 },
      { key: keys[2]!, apartmentId: randomUUID(), amountMinor: 10 },
      { key: keys[3]!, apartmentId: c, amountMinor: 0 },
    ])),
  );
  expect(out.map((o) => o.status)).toEqual(['posted', 'posted', 'failed', 'failed']);
  expect(out[2]).toMatchObject({ error: { code: 'NOT_FOUND', field: 'apartmentId' } });
  expect(out[3]).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'amount.amountMinor' } });
  const ids = out.flatMap((o) => (o.status === 'posted' ? [o.entryId] : []));
  const rows = await inTenant(tenant, (m) =>
    m.query(`SELECT id, apartment_id, amount_minor::int AS amount, subtype, due_on::text AS due_on, description, created_by FROM ledger_entries ORDER BY amount_minor DESC`),
  );
  expect(rows).toEqual([
    { id: ids[0], apartment_id: a, amount: 50_01, subtype: 'common_expense', due_on: '2026-12-31', description: 'Roof repair', created_by: 'bulk-job:test' },
    { id: ids[1], apartment_id: b, amount: 30_00, subtype: 'common_expense', due_on: '2026-12-31', description: 'Roof repair', created_by: 'bulk-job:test' },
  ]);
  const audit = await inTenant(tenant, (m) => m.query(`SELECT entity_id, actor FROM audit_events WHERE action = 'ledger.charge.posted' ORDER BY entity_id`));
  expect(audit.map((r: any) => r.entity_id).sort()).toEqual([...ids].sort());
  expect(audit.every((r: any) => r.actor === 'bulk-job:test')).toBe(true);
  const events = await inTenant(tenant, (m) => m.query(`SELECT subject FROM outbox WHERE type = 'commonhold.collections.ledger-entry.posted.v1'`));
  // The relay may already have published (deleted) some; what is left is a subset of the posted entries, and the inbox of a consumer proves the rest.
  expect(events.every((e: any) => ids.includes(e.subject))).toBe(true);
});

it('answers an item sent again with the entry it posted, shares its keys with postCharge, and refuses a key reused with other input', async () => {
  const tenant = tenantName('acme');
  const { apartments } = await building(tenant, 2);
  const [a, b] = apartments as [string, string];
  const key = randomUUID();
  const first = await inTenant(tenant, (m) => postChargesSetBased(m, rt().registry, tenant, set([{ key, apartmentId: a, amountMinor: 700 }])));
  const again = await inTenant(tenant, (m) => postChargesSetBased(m, rt().registry, tenant, set([{ key, apartmentId: a, amountMinor: 700 }])));
  expect(again).toEqual(first);
  // The same key posted one at a time answers with the same entry, and the other way round.
  const single = await inTenant(tenant, (m) =>
    postCharge(m, rt().registry, { tenantId: tenant, actor: 'bulk-job:test', input: { apartmentId: a, type: 'common_expense', amount: { amountMinor: 700, currency: 'GBP' }, dueOn: '2026-12-31', description: 'Roof repair', idempotencyKey: key } }),
  );
  expect(first[0]).toMatchObject({ status: 'posted', entryId: single });
  const otherKey = randomUUID();
  const viaSingle = await inTenant(tenant, (m) =>
    postCharge(m, rt().registry, { tenantId: tenant, actor: 'bulk-job:test', input: { apartmentId: b, type: 'common_expense', amount: { amountMinor: 300, currency: 'GBP' }, dueOn: '2026-12-31', description: 'Roof repair', idempotencyKey: otherKey } }),
  );
  expect(await inTenant(tenant, (m) => postChargesSetBased(m, rt().registry, tenant, set([{ key: otherKey, apartmentId: b, amountMinor: 300 }])))).toEqual([{ key: otherKey, status: 'posted', entryId: viaSingle }]);
  // Same key, other amount: refused, nothing posted.
  expect(await inTenant(tenant, (m) => postChargesSetBased(m, rt().registry, tenant, set([{ key, apartmentId: a, amountMinor: 701 }])))).toEqual([
    { key, status: 'failed', error: { code: 'IDEMPOTENCY_CONFLICT', message: expect.any(String), field: 'idempotencyKey' } },
  ]);
  expect((await inTenant(tenant, (m) => m.query(`SELECT count(*)::int AS n FROM ledger_entries`)))[0].n).toBe(2);
});

it('fails every charge on a set-level mistake or another currency, and posts nothing for them', async () => {
  const tenant = tenantName('acme');
  const { apartments } = await building(tenant, 1);
  const badDate = await inTenant(tenant, (m) => postChargesSetBased(m, rt().registry, tenant, set([{ key: randomUUID(), apartmentId: apartments[0]!, amountMinor: 5 }], { dueOn: '2026-02-30' })));
  expect(badDate).toMatchObject([{ status: 'failed', error: { code: 'BAD_USER_INPUT', field: 'dueOn' } }]);
  const euro = await inTenant(tenant, (m) => postChargesSetBased(m, rt().registry, tenant, set([{ key: randomUUID(), apartmentId: apartments[0]!, amountMinor: 5 }], { currency: 'EUR' })));
  expect(euro).toMatchObject([{ status: 'failed', error: { code: 'BAD_USER_INPUT', field: 'amount.currency' } }]);
  expect((await inTenant(tenant, (m) => m.query(`SELECT count(*)::int AS n FROM ledger_entries`)))[0].n).toBe(0);
  // Another tenant's apartment is not found (RLS), whatever its id.
  const other = tenantName('bravo');
  expect(await inTenant(other, (m) => postChargesSetBased(m, rt().registry, other, set([{ key: randomUUID(), apartmentId: apartments[0]!, amountMinor: 5 }])))).toMatchObject([
    { status: 'failed', error: { code: 'NOT_FOUND', field: 'apartmentId' } },
  ]);
});
