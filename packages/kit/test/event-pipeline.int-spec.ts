// The event path end to end on real PostgreSQL, for both transports: outbox written in the state
// change's transaction → relay → transport → consumer with inbox, retries and a DLQ.
import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  createDataSource,
  createLogger,
  enqueueEvents,
  EventRegistry,
  InProcessTransport,
  KafkaTransport,
  KitTables1763800000000,
  OutboxRelay,
  startConsumer,
  tenantRlsSql,
  toTransportMessage,
  withTenant,
  type Subscription,
  type Transport,
  type TransportMessage,
} from '../src';
import { startTelemetry } from '../src/telemetry';
import { createTestDatabase, eventually, uniquePrefix } from '@commonhold/testing';

class Effects1763800009999 implements MigrationInterface {
  name = 'Effects1763800009999';
  async up(q: QueryRunner) {
    await q.query(`CREATE TABLE effects (tenant_id text NOT NULL, event_id uuid NOT NULL, n int NOT NULL, trace_id text)`);
    for (const s of tenantRlsSql('effects')) await q.query(s);
  }
  async down(q: QueryRunner) {
    await q.query('DROP TABLE effects');
  }
}

const TYPE = 'commonhold.test.thing.happened.v1';
const registry = new EventRegistry([
  {
    type: TYPE,
    topic: 'test.thing',
    producer: 'test',
    consumers: ['test.effects'],
    schema: { type: 'object', additionalProperties: false, required: ['n'], properties: { n: { type: 'integer' }, failTimes: { type: 'integer' } } },
  },
]);
const log = createLogger('pipeline-test', 'silent');

const factories: [string, () => Transport][] = [
  ['in-process', () => new InProcessTransport({ redeliveryDelayMs: 10 })],
  ['kafka', () => new KafkaTransport({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: 'pipeline-test', topicPrefix: `${uniquePrefix()}.` })],
];

describe.each(factories)('event pipeline over the %s transport', (_name, make) => {
  let transport: Transport;
  let relay: OutboxRelay;
  let consumer: Subscription;
  let dlqSub: Subscription;
  const dlq: TransportMessage[] = [];
  const attempts = new Map<number, number>();
  const ds = { current: undefined as unknown as ReturnType<typeof createDataSource> };
  let appUrl: string;

  beforeAll(async () => {
    startTelemetry('pipeline-test', undefined, false);
    ({ appUrl } = await createTestDatabase('pipeline', [KitTables1763800000000, Effects1763800009999]));
    ds.current = createDataSource({ url: appUrl, entities: [], migrations: [] });
    await ds.current.initialize();
    transport = make();
    await transport.connect();
    relay = new OutboxRelay({ databaseUrl: appUrl, transport, log, name: 'pipeline', batchSize: 100 });
    await relay.start();
    consumer = await startConsumer(
      {
        group: 'test.effects',
        topics: ['test.thing'],
        handlers: {
          [TYPE]: async ({ event, m }) => {
            const { n, failTimes = 0 } = event.data as { n: number; failTimes?: number };
            const seen = (attempts.get(n) ?? 0) + 1;
            attempts.set(n, seen);
            if (seen <= failTimes) throw new Error(`handler failure ${seen} for ${n}`);
            const span = trace.getActiveSpan()?.spanContext();
            await m.query(`INSERT INTO effects (tenant_id, event_id, n, trace_id) VALUES ($1, $2, $3, $4)`, [event.tenantId, event.id, n, span?.traceId ?? null]);
          },
        },
      },
      { ds: ds.current, transport, registry, log, maxAttempts: 3, backoffMs: 10 },
    );
    dlqSub = await transport.subscribe('test.dlq-watch', ['test.thing.dlq'], async (m) => {
      dlq.push(m);
    });
  });

  afterAll(async () => {
    await consumer.stop();
    await dlqSub.stop();
    await relay.stop();
    await transport.close();
    await ds.current.destroy();
  });

  const effects = (tenant: string) => withTenant(ds.current, tenant, (m) => m.query(`SELECT n, event_id, trace_id FROM effects ORDER BY n`));
  const emit = (tenant: string, data: Record<string, number>, opts: { rollback?: boolean } = {}) =>
    withTenant(ds.current, tenant, async (m) => {
      const [id] = await enqueueEvents(m, registry, 'test', tenant, [{ type: TYPE, subject: `thing-${data.n}`, data }]);
      if (opts.rollback) throw new Error('rolled back on purpose');
      return id!;
    });

  it('delivers a committed event once, into the tenant named by the event', async () => {
    await emit('tenant-a', { n: 1 });
    await eventually(async () => (await effects('tenant-a')).length === 1);
    expect(await effects('tenant-b')).toEqual([]);
    await relay.flush();
    const [left] = await withTenant(ds.current, 'tenant-a', (m) => m.query(`SELECT count(*)::int AS n FROM outbox`));
    expect(left.n).toBe(0);
  });

  it('never publishes the events of a rolled-back transaction', async () => {
    await expect(emit('tenant-a', { n: 2 }, { rollback: true })).rejects.toThrow('rolled back');
    await emit('tenant-a', { n: 3 });
    await eventually(async () => (await effects('tenant-a')).some((r: { n: number }) => r.n === 3));
    expect((await effects('tenant-a')).map((r: { n: number }) => r.n)).not.toContain(2);
  });

  it('skips events a consumer filters out with `when`: no handler call, no inbox row, no transaction', async () => {
    const seen: number[] = [];
    const filtered = await startConsumer(
      {
        group: 'test.filtered',
        topics: ['test.thing'],
        when: (event) => (event.data as { n: number }).n % 2 === 0,
        handlers: {
          [TYPE]: async ({ event }) => {
            seen.push((event.data as { n: number }).n);
          },
        },
      },
      { ds: ds.current, transport, registry, log, maxAttempts: 3, backoffMs: 10 },
    );
    try {
      for (const n of [40, 41, 42, 43]) await emit('tenant-w', { n });
      // The main consumer takes every one; the filtered one must have had its chance at all four by then.
      await eventually(async () => (await effects('tenant-w')).length === 4);
      await eventually(async () => seen.length === 2);
      await new Promise((r) => setTimeout(r, 500)); // an odd one handled after all would show now
      const inbox = await withTenant(ds.current, 'tenant-w', (m) => m.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'test.filtered'`));
      expect(seen.sort()).toEqual([40, 42]);
      expect(inbox[0].n).toBe(2);
    } finally {
      await filtered.stop();
    }
  });

  it('hands runs of events to a batch handler in one transaction: in order, duplicates left out, poison dead-lettered, a failed run handled one by one', async () => {
    const batches: number[][] = [];
    const singles: number[] = [];
    const tries = new Map<number, number>();
    const nOf = (e: { data: unknown }) => (e.data as { n: number }).n;
    // The new group reads the topic from its start: the earlier tests' events are handled too, unrecorded.
    const mine = new Set(['tenant-bt', 'tenant-bu', 'tenant-bf']);
    const batched = await startConsumer(
      {
        group: 'test.batched',
        topics: ['test.thing'],
        handlers: {
          [TYPE]: async ({ event }) => {
            const n = nOf(event);
            tries.set(n, (tries.get(n) ?? 0) + 1);
            if ((event.data as { failTimes?: number }).failTimes) throw new Error(`single failure for ${n}`);
            if (mine.has(event.tenantId)) singles.push(n);
          },
        },
        batchHandlers: {
          [TYPE]: async ({ events, m }) => {
            const [tenant] = await m.query(`SELECT current_setting('app.tenant_id', true) AS t`);
            expect(events.every((e) => e.tenantId === tenant.t)).toBe(true);
            if (events.some((e) => (e.data as { failTimes?: number }).failTimes)) throw new Error('one event in this run is bad');
            if (mine.has(events[0]!.tenantId)) batches.push(events.map(nOf));
          },
        },
        batchSize: 50,
      },
      { ds: ds.current, transport, registry, log, maxAttempts: 3, backoffMs: 10 },
    );
    const message = (tenantId: string, data: Record<string, number>) =>
      toTransportMessage({ eventId: randomUUID(), tenantId, topic: 'test.thing', key: 'batch', type: TYPE, source: 'test', subject: 'batch', data, time: new Date().toISOString() });
    const inbox = async (tenant: string) =>
      (await withTenant(ds.current, tenant, (m) => m.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'test.batched'`)))[0].n;
    try {
      const good = [60, 61, 62, 63, 64, 65, 66, 67, 68, 69].map((n) => message('tenant-bt', { n }));
      const poison = message('tenant-bt', { n: 'sixty' as unknown as number });
      const other = message('tenant-bu', { n: 90 });
      // One publish: the run is split by the other tenant's event, and carries a redelivered event and a poison one.
      await transport.publish([...good.slice(0, 5), poison, good[2]!, ...good.slice(5, 8), other, ...good.slice(8)]);
      await eventually(async () => batches.flat().length === 11);
      expect(batches.flat()).toEqual([60, 61, 62, 63, 64, 65, 66, 67, 90, 68, 69]);
      expect(batches.length).toBeLessThan(11); // runs, not one call per event
      expect(singles).toEqual([]);
      expect(await inbox('tenant-bt')).toBe(10);
      expect(await inbox('tenant-bu')).toBe(1);
      await eventually(async () => dlq.some((m) => m.headers['x-dlq-consumer-group'] === 'test.batched' && m.headers['x-dlq-error-type'] === 'EventValidationError'));
      // Delivered again: nothing is handed over twice.
      await transport.publish(good.slice(0, 3));
      await transport.publish([message('tenant-bt', { n: 70 })]);
      await eventually(async () => batches.flat().includes(70));
      expect(batches.flat().filter((n) => n !== 70)).toHaveLength(11);

      // A run whose transaction fails is handled one by one: the bad event alone is retried and dead-lettered.
      await transport.publish([message('tenant-bf', { n: 80 }), message('tenant-bf', { n: 81, failTimes: 99 }), message('tenant-bf', { n: 82 })]);
      await eventually(async () => dlq.some((m) => m.headers['x-dlq-consumer-group'] === 'test.batched' && JSON.parse(m.value).n === 81));
      await eventually(async () => singles.includes(82));
      expect(singles).toEqual([80, 82]);
      expect(tries.get(81)).toBe(3);
      expect(batches.flat()).not.toContain(80);
      expect(await inbox('tenant-bf')).toBe(2);
    } finally {
      await batched.stop();
    }
  });

  it('handles independent commands of one batch up to `concurrency` at a time, each once', async () => {
    let inFlight = 0;
    let most = 0;
    const handled: number[] = [];
    const concurrent = await startConsumer(
      {
        group: 'test.concurrent',
        topics: ['test.thing'],
        concurrency: 3,
        handlers: {
          [TYPE]: async ({ event }) => {
            if (event.tenantId !== 'tenant-cc') return; // the earlier tests' events
            inFlight++;
            most = Math.max(most, inFlight);
            // Wait (up to 3 s) until three are in flight: only concurrent handling gets there.
            for (let i = 0; i < 60 && most < 3; i++) await new Promise((r) => setTimeout(r, 50));
            inFlight--;
            handled.push((event.data as { n: number }).n);
          },
        },
      },
      { ds: ds.current, transport, registry, log, maxAttempts: 3, backoffMs: 10 },
    );
    try {
      const message = (n: number) => toTransportMessage({ eventId: randomUUID(), tenantId: 'tenant-cc', topic: 'test.thing', key: 'cc', type: TYPE, source: 'test', subject: 'cc', data: { n }, time: new Date().toISOString() });
      const six = [70, 71, 72, 73, 74, 75].map(message);
      await transport.publish([...six, six[0]!]);
      await eventually(async () => handled.length === 6, { timeoutMs: 30_000 });
      await new Promise((r) => setTimeout(r, 300)); // a second handling of the duplicate would show now
      expect(most).toBe(3);
      expect(handled.sort()).toEqual([70, 71, 72, 73, 74, 75]);
      const inbox = await withTenant(ds.current, 'tenant-cc', (m) => m.query(`SELECT count(*)::int AS n FROM inbox WHERE consumer = 'test.concurrent'`));
      expect(inbox[0].n).toBe(6);
    } finally {
      await concurrent.stop();
    }
  });

  it('changes nothing when an event is delivered again', async () => {
    const eventId = randomUUID();
    const message = toTransportMessage({ eventId, tenantId: 'tenant-r', topic: 'test.thing', key: 'r', type: TYPE, source: 'test', subject: 'r', data: { n: 10 }, time: new Date().toISOString() });
    await transport.publish([message]);
    await eventually(async () => (await effects('tenant-r')).length === 1);
    await transport.publish([message, message]);
    await emit('tenant-r', { n: 11 }); // a later event proves the redeliveries were consumed
    await eventually(async () => (await effects('tenant-r')).length === 2);
    expect((await effects('tenant-r')).map((r: { n: number; event_id: string }) => [r.n, r.event_id])).toEqual([
      [10, eventId],
      [11, expect.any(String)],
    ]);
  });

  it('retries a failing handler with backoff and applies the effect once', async () => {
    await emit('tenant-t', { n: 20, failTimes: 2 });
    await eventually(async () => (await effects('tenant-t')).length === 1);
    expect(attempts.get(20)).toBe(3);
  });

  it('dead-letters an event that keeps failing, with the error in headers, and keeps consuming', async () => {
    await emit('tenant-d', { n: 30, failTimes: 99 });
    await emit('tenant-d', { n: 31 });
    await eventually(async () => dlq.some((m) => JSON.parse(m.value).n === 30));
    const dead = dlq.find((m) => JSON.parse(m.value).n === 30)!;
    expect(dead.headers).toMatchObject({
      'x-dlq-original-topic': 'test.thing',
      'x-dlq-consumer-group': 'test.effects',
      'x-dlq-attempts': '3',
      'x-dlq-error-message': 'handler failure 3 for 30',
      'ce_type': TYPE,
    });
    await eventually(async () => (await effects('tenant-d')).some((r: { n: number }) => r.n === 31));
    expect((await effects('tenant-d')).map((r: { n: number }) => r.n)).toEqual([31]);
  });

  it('dead-letters poison messages at once (not a CloudEvent, or breaking the contract) while later events flow', async () => {
    await transport.publish([{ topic: 'test.thing', key: 'p', value: 'not json at all', headers: {} }]);
    const bad = toTransportMessage({ eventId: randomUUID(), tenantId: 'tenant-p', topic: 'test.thing', key: 'p', type: TYPE, source: 'test', subject: 'p', data: { n: 'forty' }, time: new Date().toISOString() });
    await transport.publish([bad]);
    await emit('tenant-p', { n: 41 });
    await eventually(async () => (await effects('tenant-p')).length === 1);
    await eventually(async () => dlq.filter((m) => m.key === 'p').length === 2);
    const poison = dlq.filter((m) => m.key === 'p');
    expect(poison.map((m) => m.headers['x-dlq-attempts'])).toEqual(['1', '1']);
    expect(poison[0]!.headers['x-dlq-error-type']).toBe('MalformedEventError');
    expect(poison[1]!.headers['x-dlq-error-type']).toBe('EventValidationError');
  });

  it('restores the producer trace on the consumer span', async () => {
    const tracer = trace.getTracer('test');
    let traceId = '';
    await tracer.startActiveSpan('producer', async (span) => {
      traceId = span.spanContext().traceId;
      await emit('tenant-trace', { n: 50 });
      span.end();
    });
    const rows = await eventually(async () => {
      const r = await effects('tenant-trace');
      return r.length ? r : undefined;
    });
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe('0'.repeat(32));
    expect(rows[0].trace_id).toBe(traceId);
  });
});
