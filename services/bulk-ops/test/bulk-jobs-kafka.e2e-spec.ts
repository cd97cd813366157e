// The same story over real Kafka (namespaced topics) instead of the in-process bus: the commands and
// their results cross a broker, items are posted once, and a retry touches only the failed item.
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { EXECUTE, RETRY, dryRunJob, finished, givenBuilding, idempotencyKey, ok, tenantName, tenantRows } from './support';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'kafka', services: ['collections', 'bulk-ops'] });
}, 180_000);
afterAll(async () => platform?.stop());

it('issues a common expense over Kafka, once, and retries only the failed item', async () => {
  const tenant = tenantName('acme');
  const acme = platform.as(tenant);
  const { buildingId, apartments } = await givenBuilding(platform, tenant, acme, [500, 500]);
  const preview = await dryRunJob(acme, buildingId, 1_001);
  const gone = apartments[0]!.id;
  const [saved] = await tenantRows(platform, 'collections', tenant, `SELECT row_to_json(a) AS row FROM apartments a WHERE id = $1`, [gone]);
  await tenantRows(platform, 'collections', tenant, `DELETE FROM apartments WHERE id = $1`, [gone]);
  const input = { id: preview.id, previewHash: preview.previewHash, idempotencyKey: idempotencyKey() };
  await ok(acme, EXECUTE, { input });
  await ok(acme, EXECUTE, { input: { ...input, idempotencyKey: idempotencyKey() } });
  const partial = await finished(acme, preview.id);
  expect(partial.progress).toMatchObject({ total: 2, succeeded: 1, failed: 1 });
  await tenantRows(platform, 'collections', tenant, `INSERT INTO apartments SELECT * FROM json_populate_record(NULL::apartments, $1::json)`, [JSON.stringify(saved!.row)]);
  await ok(acme, RETRY, { input: { id: preview.id, idempotencyKey: idempotencyKey() } });
  expect((await finished(acme, preview.id)).status).toBe('COMPLETED');
  const charges = await tenantRows(platform, 'collections', tenant, `SELECT amount_minor::int AS amount FROM ledger_entries WHERE building_id = $1 AND kind = 'charge' ORDER BY amount_minor`, [buildingId]);
  expect(charges.map((c) => c.amount)).toEqual([500, 501]);
}, 90_000);
