// Consumers per the CloudEvents spec and through database faults (issue 10 items 1 and 6).
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  createDataSource,
  createLogger,
  EventRegistry,
  InProcessTransport,
  KafkaTransport,
  KitTables1763800000000,
  startConsumer,
  tenantRlsSql,
  toTransportMessage,
  withTenant,
  type Subscription,
  type Transport,
  type TransportMessage,
} from '../src';
import { createTestDatabase, eventually, uniquePrefix } from '@commonhold/testing';

class Seen1763800009998 implements MigrationInterface {
  name = 'Seen1763800009998';
  async up(q: QueryRunner) {
    await q.query(`CREATE TABLE seen (tenant_id text NOT NULL, event_id text NOT NULL, n int NOT NULL)`);
    for (const s of tenantRlsSql('seen')) await q.query(s);
  }
  async down(q: QueryRunner) {
    await q.query('DROP TABLE seen');
  }
}

const TYPE = 'commonhold.test.thing.happened.v1';
const registry = new EventRegistry([
  { type: TYPE, topic: 'test.thing', producer: 'test', consumers: ['test.seen'], schema: { type: 'object', required: ['n'], properties: { n: { type: 'integer' }, dropConnection: { type: 'integer' } } } },
]);
const log = createLogger('consumer-faults-test', 'silent');
const message = (n: number, over: Partial<{ id: string; source: string; specversion: string }> = {}, data: Record<string, unknown> = { n }): TransportMessage => {
  const m = toTransportMessage({ eventId: over.id ?? randomUUID(), tenantId: 'tenant-c', topic: 'test.thing', key: `k${n}`, type: TYPE, source: over.source ?? 'test', subject: `s${n}`, data, time: new Date().toISOString() });
  if (over.specversion !== undefined) m.headers.ce_specversion = over.specversion;
  return m;
};

let appUrl: string;
let ds: ReturnType<typeof createDataSource>;
beforeAll(async () => {
  ({ appUrl } = await createTestDatabase('consumerfaults', [KitTables1763800000000, Seen1763800009998]));
  ds = createDataSource({ url: appUrl, entities: [], migrations: [], applicationName: 'consumer-faults' });
  await ds.initialize();
});
afterAll(() => ds.destroy());
const seen = () => withTenant(ds, 'tenant-c', (m) => m.query(`SELECT event_id, n FROM seen ORDER BY n`)) as Promise<{ event_id: string; n: number }[]>;

describe('over the in-process transport', () => {
  let transport: Transport;
  let consumer: Subscription;
  let dlqSub: Subscription;
  const dlq: TransportMessage[] = [];
  const calls = new Map<number, number>();
  beforeAll(async () => {
    transport = new InProcessTransport({ redeliveryDelayMs: 20 });
    await transport.connect();
    consumer = await startConsumer(
      {
        group: 'test.seen',
        topics: ['test.thing'],
        handlers: {
          [TYPE]: async ({ event, m }) => {
            const { n, dropConnection = 0 } = event.data as { n: number; dropConnection?: number };
            const call = (calls.get(n) ?? 0) + 1;
            calls.set(n, call);
            // The database connection dies under the handler this many times (a failover, a restart).
            if (call <= dropConnection) await m.query('SELECT pg_terminate_backend(pg_backend_pid())');
            await m.query(`INSERT INTO seen (tenant_id, event_id, n) VALUES ($1, $2, $3)`, [event.tenantId, event.id, n]);
          },
        },
      },
      { ds, transport, registry, log, maxAttempts: 3, backoffMs: 10 },
    );
    dlqSub = await transport.subscribe('test.dlq-reader', ['test.thing.dlq'], async (m) => void dlq.push(m));
  });
  afterAll(async () => {
    await consumer.stop();
    await dlqSub.stop();
    await transport.close();
  });

  it('processes an event whose ce_id is not a UUID (any non-empty string is valid), once', async () => {
    const m = message(1, { id: 'order-42/line-7' });
    await transport.publish([m, m]);
    await eventually(async () => (await seen()).some((r) => r.n === 1));
    await transport.publish([message(2)]);
    await eventually(async () => (await seen()).some((r) => r.n === 2));
    expect((await seen()).filter((r) => r.n === 1)).toEqual([{ event_id: 'order-42/line-7', n: 1 }]);
    expect(calls.get(1)).toBe(1);
    expect(dlq.filter((d) => d.key === 'k1')).toEqual([]);
  });

  it('dead-letters at once a ce_specversion other than 1.0, an unknown ce_source, and an empty id', async () => {
    await transport.publish([message(3, { specversion: '0.3' }), message(4, { source: 'someone-else' }), message(5, { id: '' })]);
    await eventually(async () => ['k3', 'k4', 'k5'].every((k) => dlq.some((d) => d.key === k)));
    for (const k of ['k3', 'k4', 'k5']) {
      const d = dlq.find((x) => x.key === k)!;
      expect(d.headers['x-dlq-error-type']).toBe('MalformedEventError');
      expect(d.headers['x-dlq-attempts']).toBe('1');
    }
    expect(dlq.find((x) => x.key === 'k3')!.headers['x-dlq-error-message']).toMatch(/specversion/);
    expect(dlq.find((x) => x.key === 'k4')!.headers['x-dlq-error-message']).toMatch(/ce_source/);
    expect((await seen()).filter((r) => [3, 4, 5].includes(r.n))).toEqual([]);
  });

  it('does not dead-letter an event because the database connection died under it: it is redelivered until it sticks', async () => {
    // More connection losses than maxAttempts (3): before, the event was dead-lettered as a failure.
    await transport.publish([message(6, {}, { n: 6, dropConnection: 5 })]);
    await eventually(async () => (await seen()).some((r) => r.n === 6), { timeoutMs: 20_000 });
    expect(calls.get(6)).toBe(6);
    expect(dlq.filter((d) => d.key === 'k6')).toEqual([]);
    expect((await seen()).filter((r) => r.n === 6)).toHaveLength(1);
  });
});

describe('over Kafka', () => {
  it('sends a tombstone to the DLQ unchanged (null value stays null)', async () => {
    const prefix = `${uniquePrefix()}.`;
    const brokers = process.env.KAFKA_BROKERS!.split(',');
    const transport = new KafkaTransport({ brokers, clientId: 'consumer-faults', topicPrefix: prefix });
    await transport.connect();
    const consumer = await startConsumer({ group: 'test.seen', topics: ['test.thing'], handlers: { [TYPE]: async () => undefined } }, { ds, transport, registry, log, maxAttempts: 3, backoffMs: 10 });
    const dlq: TransportMessage[] = [];
    const dlqSub = await transport.subscribe('test.dlq-reader', ['test.thing.dlq'], async (m) => void dlq.push(m));
    const kafka = new Kafka({ clientId: 'raw', brokers, logLevel: logLevel.NOTHING });
    const raw = kafka.producer();
    const reader = kafka.consumer({ groupId: `${prefix}raw-dlq` });
    try {
      await raw.connect();
      await raw.send({ topic: `${prefix}test.thing`, messages: [{ key: 'gone', value: null, headers: { ce_id: 'x', ce_specversion: '1.0' } }] });
      await eventually(async () => dlq.some((m) => m.key === 'gone'), { timeoutMs: 30_000 });
      const d = dlq.find((m) => m.key === 'gone')!;
      expect(d.tombstone).toBe(true);
      expect(d.headers['x-dlq-error-type']).toBe('MalformedEventError');
      // On the wire: the DLQ record's value is null, not an empty string.
      const values: (Buffer | null)[] = [];
      await reader.connect();
      await reader.subscribe({ topics: [`${prefix}test.thing.dlq`], fromBeginning: true });
      await reader.run({ eachMessage: async ({ message: m }) => void values.push(m.value) });
      await eventually(async () => values.length >= 1, { timeoutMs: 30_000 });
      expect(values[0]).toBeNull();
    } finally {
      await reader.disconnect();
      await raw.disconnect();
      await consumer.stop();
      await dlqSub.stop();
      await transport.close();
    }
  });
});
