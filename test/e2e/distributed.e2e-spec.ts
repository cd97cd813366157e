// Distributed mode as a container runs it: `main migrate` (the Helm hook Job), then one process
// per service on Kafka, and the gateway in its own process; SIGTERM drains and exits cleanly.
import { bearer, eventually, gql, testKeys, uniquePrefix, adminUrl } from '@commonhold/testing';
import { startDistributedStack, type DistributedStack } from '../../scripts/distributed/stack';

let stack: DistributedStack | undefined;
const logs: Record<string, string[]> = {};

afterAll(async () => {
  for (const p of stack ? [stack.gateway, ...Object.values(stack.services)] : []) await p.kill9().catch(() => undefined);
});

it('migrates, serves the federated query over Kafka, and drains on SIGTERM', async () => {
  const keys = await testKeys();
  const prefix = uniquePrefix();
  // `main migrate` per service (the Helm hook Job), then one process per service and the gateway.
  stack = await startDistributedStack({
    adminUrl: adminUrl(),
    databasePrefix: prefix,
    appPassword: 'pw',
    kafkaBrokers: process.env.KAFKA_BROKERS!,
    topicPrefix: `${prefix}.`,
    jwksFile: keys.jwksFile,
    freePorts: true,
    nodeEnv: 'test',
    env: { CONSUMER_BACKOFF_MS: '20' },
    onLine: (name, line) => (logs[name] ??= []).push(line),
  });
  const { gateway, services } = stack;
  const fundraising = services.fundraising!;
  const volunteers = services.volunteers!;

  const url = stack.gatewayUrl;
  const auth = bearer(await keys.token('dist-tenant'));
  const c = await gql(url, `mutation { createContact(input: { firstName: "Mary", lastName: "Somerville", idempotencyKey: "d-c" }) { contact { id } } }`, undefined, auth);
  expect(c.errors).toBeUndefined();
  const contactId = c.data.createContact.contact.id;
  await eventually(async () => !(await gql(url, `mutation($c: ID!) { registerVolunteer(input: { contactId: $c, idempotencyKey: "d-v" }) { volunteerProfile { status } } }`, { c: contactId }, auth)).errors, { timeoutMs: 30_000 });
  const g = await gql(url, `mutation($c: ID!) { recordGift(input: { contactId: $c, amount: { amountMinor: 777, currency: "GBP" }, receivedAt: "2026-10-01T00:00:00Z", idempotencyKey: "d-g" }) { gift { id } } }`, { c: contactId }, auth);
  const giftId = g.data.recordGift.gift.id;
  const r = await eventually(async () => {
    const res = await gql(url, `query($g: ID!) { gift(id: $g) { amount { amountMinor } contact { giving { lifetimeTotal { amountMinor } } volunteerProfile { status } } } }`, { g: giftId }, auth);
    return res.data?.gift.contact.giving.lifetimeTotal.amountMinor === 777 ? res : undefined;
  }, { timeoutMs: 30_000 });
  expect(r.data.gift.contact.volunteerProfile).toEqual({ status: 'ACTIVE' });

  // Logs are pino JSON lines carrying the service and, for requests, request/trace/tenant ids.
  const lines = (logs.fundraising ?? []).filter((l) => l.startsWith('{'));
  expect(lines.length).toBeGreaterThan(0);
  for (const l of lines) expect(JSON.parse(l)).toMatchObject({ level: expect.any(String), time: expect.any(String), service: 'fundraising' });

  expect(await gateway.stop()).toBe(0);
  expect(await fundraising.stop()).toBe(0);
  expect(await volunteers.stop()).toBe(0);
}, 180_000);
