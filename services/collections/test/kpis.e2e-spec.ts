// Collections KPIs as metrics: the KPI pass over real PostgreSQL, then collections' /metrics
// scraped — collection rate, time to collect and the reconciliation mismatch ratio carry the
// figures of the ledger posted through the gateway, and no label carries a tenant id.
import { randomUUID } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { tenantRows } from '@commonhold/testing/src/support';
import { parseExposition, type Sample } from '../../../test/observability/support/exposition';
import { kpiPassOf } from '../src/modules/kpis';
import { givenBuilding, key, ok, type Caller } from './support/collections';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['collections'] });
}, 120_000);
afterAll(async () => platform?.stop());

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const gbp = (amountMinor: number) => ({ amountMinor, currency: 'GBP' });
const charge = (call: Caller, apartmentId: string, amountMinor: number, daysAgo: number) =>
  call<any>(`mutation($input: PostChargeInput!) { postCharge(input: $input) { entry { id } } }`, {
    input: { apartmentId, type: 'COMMON_EXPENSE', amount: gbp(amountMinor), bookedOn: day(-daysAgo), dueOn: day(-daysAgo), idempotencyKey: key() },
  });
const pay = (call: Caller, apartmentId: string, amountMinor: number) =>
  call<any>(`mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { entry { id } } }`, { input: { apartmentId, amount: gbp(amountMinor), bookedOn: day(0), idempotencyKey: key() } });

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const res = await fetch(platform.services.collections!.url.replace(/\/graphql$/, '/metrics'));
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, samples: parseExposition(text).samples };
}
const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).map((s) => s.value);

describe('collections KPI metrics', () => {
  it('exports collection rate, time to collect and the reconciliation mismatch ratio with the ledger’s real figures', async () => {
    const tenant = `kpi-${randomUUID()}`;
    const office = platform.as(tenant);
    const { apartments } = await givenBuilding(office, 2);
    const [a1, a2] = apartments.map((a) => a.id) as [string, string];
    ok(await charge(office, a1, 10_000, 20));
    ok(await charge(office, a2, 30_000, 5));
    ok(await pay(office, a1, 10_000)); // closes a1's debit 20 days after its due date (manual)
    ok(await pay(office, a2, 12_000)); // part of a2's: nothing closed

    const first = await kpiPassOf(platform.services.collections!.runtime).run();
    expect(first).toMatchObject({ rates: { GBP: 22_000 / 40_000 }, mismatchRatio: 0, collected: 1 });
    let { text, samples } = await scrape();
    expect(value(samples, 'collections_collection_rate', { currency: 'GBP' })).toEqual([0.55]);
    expect(value(samples, 'collections_time_to_collect_days_count', { method: 'manual' })).toEqual([1]);
    expect(value(samples, 'collections_time_to_collect_days_sum', { method: 'manual' })).toEqual([20]);
    expect(value(samples, 'collections_time_to_collect_days_bucket', { method: 'manual', le: '14' })).toEqual([0]);
    expect(value(samples, 'collections_time_to_collect_days_bucket', { method: 'manual', le: '30' })).toEqual([1]);
    expect(value(samples, 'collections_reconciliation_mismatch_ratio')).toEqual([0]);
    expect(text).not.toContain(tenant);

    // Two mismatches among three items: a bank-file payment no bank line accounts for, and a
    // maintained balance that no longer matches the ledger (written behind the trigger's back).
    await tenantRows(
      platform,
      'collections',
      tenant,
      `INSERT INTO ledger_entries (id, tenant_id, building_id, apartment_id, kind, subtype, amount_minor, currency, booked_on, created_by)
       SELECT gen_random_uuid(), tenant_id, building_id, id, 'payment', 'bank_file', -1000, 'GBP', $2::date, 'test' FROM apartments WHERE id = $1`,
      [a2, day(0)],
    );
    await tenantRows(platform, 'collections', tenant, `UPDATE apartment_positions SET balance_minor = balance_minor + 1 WHERE apartment_id = $1`, [a1]);
    const second = await kpiPassOf(platform.services.collections!.runtime).run();
    expect(second).toMatchObject({ rates: { GBP: 23_000 / 40_000 }, collected: 0 });
    ({ text, samples } = await scrape());
    expect(value(samples, 'collections_collection_rate', { currency: 'GBP' })).toEqual([0.575]);
    expect(value(samples, 'collections_reconciliation_mismatch_ratio')[0]).toBeCloseTo(2 / 3, 10);
    // Counted once: the closed debit is not observed again.
    expect(value(samples, 'collections_time_to_collect_days_count', { method: 'manual' })).toEqual([1]);
    expect(text).not.toContain(tenant);
  });
});
