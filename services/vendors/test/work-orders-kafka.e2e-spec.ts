// voting's command over real Kafka (namespaced topics) instead of the in-process bus: the same
// request delivered twice under two event ids, and once redelivered, makes one work order and one
// answer on vendors.work-order.
import { randomUUID } from 'node:crypto';
import type { TransportMessage } from '@commonhold/kit';
import { eventually } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { buildRequest, ok, publishWorkOrderRequest, tenantName, tenantRows, WORK_ORDER } from './support';

let platform: TestPlatform;
const answers: TransportMessage[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'kafka', services: ['vendors'] });
  await platform.transports[0]!.subscribe('vendors-kafka-e2e.watch', ['vendors.work-order'], async (m) => void answers.push(m));
}, 180_000);
afterAll(async () => platform?.stop());

it('creates one work order per request over Kafka, however often the command arrives', async () => {
  const tenant = tenantName('acme');
  const request = buildRequest(randomUUID(), { category: 'lifts', budgetMinor: null, responseHours: null, completionDays: null, description: null });
  const eventId = await publishWorkOrderRequest(platform, tenant, request);
  await publishWorkOrderRequest(platform, tenant, request, eventId);
  await publishWorkOrderRequest(platform, tenant, request);
  await eventually(async () => (await tenantRows(platform, 'vendors', tenant, `SELECT count(*)::int AS n FROM inbox WHERE consumer = 'vendors.work-orders'`))[0]!.n === 2, { timeoutMs: 60_000 });
  const rows = await tenantRows(platform, 'vendors', tenant, `SELECT id, status, category, budget_minor FROM work_orders WHERE request_id = $1`, [request.requestId]);
  expect(rows).toEqual([{ id: expect.any(String), status: 'requested', category: 'lifts', budget_minor: null }]);
  await eventually(async () => answers.some((m) => m.headers.ce_tenantid === tenant), { timeoutMs: 60_000 });
  await new Promise((r) => setTimeout(r, 500));
  const mine = answers.filter((m) => m.headers.ce_tenantid === tenant);
  expect(mine.map((m) => [m.headers.ce_type, JSON.parse(m.value as string).requestId, JSON.parse(m.value as string).workOrderId])).toEqual([['commonhold.vendors.work-order.created.v1', request.requestId, rows[0]!.id]]);
  expect((await ok(platform.as(tenant), WORK_ORDER, { id: rows[0]!.id })).workOrder).toMatchObject({ status: 'REQUESTED', requestId: request.requestId, budget: null });
}, 120_000);
