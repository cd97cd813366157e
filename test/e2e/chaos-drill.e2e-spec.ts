// The chaos drill's short form (issue 10 item 9; the full form is `npm run drill:chaos`,
// docs/runbooks/chaos-drill.md): every service its own process over the suite's Kafka broker, a
// bounded load through the gateway with client retries, and two faults — kill -9 of fundraising
// (restarted) and pg_terminate_backend of its outbox relay's connection. Counts come from the
// databases: nothing the client saw accepted is lost, nothing is applied twice, and the projection
// (volunteers' known_contacts) and the rollups converge.
import { adminUrl, testKeys, uniquePrefix } from '@commonhold/testing';
import { drillPassed, runChaosDrill, summaryLine, type FaultResult } from '../../scripts/distributed/chaos';
import { startDistributedStack, type DistributedStack } from '../../scripts/distributed/stack';

let stack: DistributedStack | undefined;

afterAll(async () => {
  for (const p of stack ? [stack.gateway, ...Object.values(stack.services)] : []) await p.kill9().catch(() => undefined);
});

it('loses and duplicates nothing through a service kill -9 and a terminated relay connection, and converges', async () => {
  const keys = await testKeys();
  const prefix = uniquePrefix();
  stack = await startDistributedStack({
    adminUrl: adminUrl(),
    databasePrefix: prefix,
    appPassword: 'pw',
    kafkaBrokers: process.env.KAFKA_BROKERS!,
    topicPrefix: `${prefix}.`,
    jwksFile: keys.jwksFile,
    freePorts: true,
    nodeEnv: 'test',
    logLevel: 'warn',
    env: { CONSUMER_BACKOFF_MS: '50', RATE_LIMIT_TENANT_PER_MINUTE: '1000000', RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_USER_PER_MINUTE: '1000000' },
  });
  const results: FaultResult[] = await runChaosDrill({
    stack,
    adminUrl: adminUrl(),
    token: (t) => keys.token(t),
    faults: ['kill-fundraising', 'terminate-relay'],
    contactsPerFault: 24,
    giftsPerContact: 1,
    concurrency: 4,
    convergenceTimeoutMs: 60_000,
    retryForMs: 60_000,
  });
  process.stdout.write(`${results.map(summaryLine).join('\n')}\n`);
  for (const r of results) {
    expect({ fault: r.fault, lost: r.lost, duplicated: r.duplicated, failed: r.failed }).toEqual({ fault: r.fault, lost: 0, duplicated: 0, failed: 0 });
    expect(r.accepted).toEqual({ contacts: 24, gifts: 24 });
    expect(r.stored).toEqual(r.accepted);
    expect(r.projected).toBe(24);
    expect(r.rolledUp).toEqual({ gifts: 24, contactsMatching: 24 });
    expect(r.convergenceSeconds).not.toBeNull();
  }
  expect(drillPassed(results)).toBe(true);
  // The kill did interrupt the load: the client had to retry (otherwise the fault proved nothing).
  expect(results[0]!.retries).toBeGreaterThan(0);
  await stack.stop();
}, 240_000);
