// The relay on real PostgreSQL: wake-ups, order, and leadership across replicas.
import { randomBytes } from 'node:crypto';
import {
  createDataSource,
  createLogger,
  enqueueEvents,
  EventRegistry,
  InProcessTransport,
  KitTables1763800000000,
  OutboxRelay,
  withTenant,
  type TransportMessage,
} from '../src';
import { createTestDatabase, eventually } from '@commonhold/testing';

const TYPE = 'commonhold.test.thing.happened.v1';
const registry = new EventRegistry([
  { type: TYPE, topic: 'test.thing', producer: 'test', consumers: [], schema: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } },
]);
const log = createLogger('relay-test', 'silent');

/** An in-process transport whose publishes can be held open, and which records what it got. */
class SlowTransport extends InProcessTransport {
  published: TransportMessage[] = [];
  hold?: Promise<void>;
  /** Messages of the publish currently held open. */
  held: TransportMessage[] = [];
  override async publish(messages: TransportMessage[]): Promise<void> {
    if (this.hold) {
      this.held = messages;
      await this.hold;
    }
    this.published.push(...messages);
    return super.publish(messages);
  }
}

let appUrl: string;
let ds: ReturnType<typeof createDataSource>;
beforeAll(async () => {
  ({ appUrl } = await createTestDatabase('relay', [KitTables1763800000000]));
  ds = createDataSource({ url: appUrl, entities: [], migrations: [] });
  await ds.initialize();
});
afterAll(() => ds.destroy());

const emit = (n: number) => withTenant(ds, 'tenant-relay', (m) => enqueueEvents(m, registry, 'test', 'tenant-relay', [{ type: TYPE, subject: `s-${n % 3}`, data: { n } }]));
const numbers = (msgs: TransportMessage[]) => msgs.map((m) => JSON.parse(m.value).n as number);

it('publishes a commit made while a batch is in flight without waiting for the poll', async () => {
  const transport = new SlowTransport();
  await transport.connect();
  // The poll would only rescue a lost wake-up after a minute: the test fails unless NOTIFY is remembered.
  const relay = new OutboxRelay({ databaseUrl: appUrl, transport, log, name: 'relay-wake', pollIntervalMs: 60_000 });
  await relay.start();
  try {
    let release!: () => void;
    transport.hold = new Promise((r) => (release = r));
    try {
      await emit(1);
      await eventually(async () => transport.held.length === 1, { timeoutMs: 5000 }); // batch 1 claimed, its publish held open
      await emit(2); // its NOTIFY arrives while batch 1 is still publishing
    } finally {
      transport.hold = undefined;
      release();
    }
    await eventually(async () => transport.published.length === 2, { timeoutMs: 5000 });
    expect(numbers(transport.published)).toEqual([1, 2]);
  } finally {
    await relay.stop();
    await transport.close();
  }
});

it('publishes in commit order across batches, and only one of two replicas publishes', async () => {
  const transport = new SlowTransport();
  await transport.connect();
  const a = new OutboxRelay({ databaseUrl: appUrl, transport, log, name: 'relay-order', batchSize: 7 });
  const b = new OutboxRelay({ databaseUrl: appUrl, transport, log, name: 'relay-order', batchSize: 7 });
  await a.start();
  await eventually(async () => a.isLeader());
  await b.start();
  try {
    for (let n = 100; n < 150; n++) await emit(n);
    await eventually(async () => transport.published.length === 50);
    expect(numbers(transport.published)).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i));
    expect(b.isLeader()).toBe(false);
  } finally {
    await a.stop();
    await b.stop();
    await transport.close();
  }
});

it('writes 8,000 events of one transaction in one statement, and publishes them in the order given with their fields intact', async () => {
  // 8,000 rows × 9 columns would pass PostgreSQL's 65,535 bind parameters as one multi-row VALUES.
  const transport = new SlowTransport();
  await transport.connect();
  const relay = new OutboxRelay({ databaseUrl: appUrl, transport, log, name: 'relay-bulk', batchSize: 1000 });
  try {
    const ids = await withTenant(ds, 'tenant-bulk', (m) =>
      enqueueEvents(m, registry, 'test', 'tenant-bulk', Array.from({ length: 8000 }, (_, i) => ({ type: TYPE, subject: `s-${i}`, key: `k-${i % 7}`, data: { n: 10_000 + i, note: i === 3 ? 'quote " back\\slash ünïcode' : undefined } }))),
    );
    expect(ids).toHaveLength(8000);
    await relay.start();
    await eventually(async () => transport.published.filter((m) => m.headers.ce_tenantid === 'tenant-bulk').length === 8000, { timeoutMs: 60_000 });
    const mine = transport.published.filter((m) => m.headers.ce_tenantid === 'tenant-bulk');
    expect(numbers(mine)).toEqual(Array.from({ length: 8000 }, (_, i) => 10_000 + i));
    expect(mine.map((m) => m.headers.ce_id)).toEqual(ids);
    expect(mine[3]).toMatchObject({ topic: 'test.thing', key: 'k-3', headers: { ce_subject: 's-3', ce_source: 'test', ce_type: TYPE } });
    expect(JSON.parse(mine[3]!.value)).toEqual({ n: 10_003, note: 'quote " back\\slash ünïcode' });
  } finally {
    await relay.stop();
    await transport.close();
  }
}, 90_000);

it('keeps the rows when publishing fails, and publishes them once the transport recovers', async () => {
  const transport = new SlowTransport();
  await transport.connect();
  let failing = true;
  const original = transport.publish.bind(transport);
  transport.publish = async (m) => {
    if (failing) throw new Error('broker down');
    return original(m);
  };
  const relay = new OutboxRelay({ databaseUrl: appUrl, transport, log, name: 'relay-fail', pollIntervalMs: 50 });
  await relay.start();
  try {
    await emit(200);
    await new Promise((r) => setTimeout(r, 300));
    const [left] = await withTenant(ds, 'tenant-relay', (m) => m.query(`SELECT count(*)::int AS n FROM outbox WHERE data->>'n' = '200'`));
    expect(left.n).toBe(1);
    failing = false;
    await eventually(async () => numbers(transport.published).includes(200));
  } finally {
    await relay.stop();
    await transport.close();
  }
});

// Issue 10 item 7: after a burst the claim walked the burst's dead tuples until vacuum came round.
describe('compaction of a drained outbox', () => {
  const fileOf = async () => (await ds.query(`SELECT pg_relation_filenode('outbox')::text AS f`))[0].f as string;

  it('truncates the table once a burst has drained (a fresh heap and index), and loses nothing', async () => {
    const transport = new SlowTransport();
    await transport.connect();
    const relay = new OutboxRelay({ databaseUrl: appUrl, transport, log, name: 'relay-compact', batchSize: 10, compactAfterRows: 25 });
    await relay.start();
    try {
      await eventually(async () => relay.isLeader());
      const before = await fileOf();
      for (let n = 300; n < 330; n++) await emit(n);
      await eventually(async () => transport.published.length === 30, { timeoutMs: 10_000 });
      await eventually(async () => (await fileOf()) !== before, { timeoutMs: 10_000 });
      expect(numbers(transport.published)).toEqual(Array.from({ length: 30 }, (_, i) => 300 + i));
      // Still publishing after the TRUNCATE; ids keep rising (the sequence is not reset).
      await emit(330);
      await eventually(async () => transport.published.length === 31, { timeoutMs: 10_000 });
      expect(numbers(transport.published).at(-1)).toBe(330);
    } finally {
      await relay.stop();
      await transport.close();
    }
  });

  it('a new leader compacts a burst an earlier relay drained (a large, empty outbox file)', async () => {
    const transport = new SlowTransport();
    await transport.connect();
    // The first relay drains a burst (~700 KB of rows) but never compacts (as before a restart).
    const first = new OutboxRelay({ databaseUrl: appUrl, transport, log, name: 'relay-inherit', batchSize: 100, compactAfterRows: 0 });
    await first.start();
    const pad = () => randomBytes(1200).toString('base64'); // incompressible, below the TOAST threshold
    const before = await fileOf();
    try {
      await eventually(async () => first.isLeader());
      await withTenant(ds, 'tenant-relay', (m) => enqueueEvents(m, registry, 'test', 'tenant-relay', Array.from({ length: 400 }, (_, i) => ({ type: TYPE, subject: 's-1', data: { n: 600 + i, pad: pad() } }))));
      await eventually(async () => transport.published.length === 400, { timeoutMs: 10_000 });
    } finally {
      await first.stop();
    }
    expect(await fileOf()).toBe(before);
    const [{ bytes }] = await ds.query(`SELECT pg_relation_size('outbox')::int AS bytes`);
    expect(bytes).toBeGreaterThan(64 * 8192);
    const second = new OutboxRelay({ databaseUrl: appUrl, transport, log, name: 'relay-inherit', compactAfterRows: 25 });
    await second.start();
    try {
      await eventually(async () => (await fileOf()) !== before, { timeoutMs: 10_000 });
      const [{ bytes: after }] = await ds.query(`SELECT pg_relation_size('outbox')::int AS bytes`);
      expect(after).toBeLessThan(64 * 8192);
    } finally {
      await second.stop();
      await transport.close();
    }
  });

  it('never waits for or truncates under a writer: an open transaction with an unpublished row makes it a no-op', async () => {
    const transport = new SlowTransport();
    await transport.connect();
    const relay = new OutboxRelay({ databaseUrl: appUrl, transport, log, name: 'relay-compact-busy', compactAfterRows: 0 });
    await relay.start();
    const writer = ds.createQueryRunner();
    await writer.connect();
    try {
      await eventually(async () => relay.isLeader());
      const before = await fileOf();
      await writer.startTransaction();
      await writer.query(`SELECT set_config('app.tenant_id', 'tenant-relay', true)`);
      await enqueueEvents(writer.manager, registry, 'test', 'tenant-relay', [{ type: TYPE, subject: 's-1', data: { n: 400 } }]);
      const started = Date.now();
      expect(await relay.compact()).toBe(false); // the writer's lock: NOWAIT, so no queue behind it
      expect(Date.now() - started).toBeLessThan(2000);
      await writer.commitTransaction();
      await eventually(async () => numbers(transport.published).includes(400), { timeoutMs: 10_000 });
      expect(await fileOf()).toBe(before);
      // Nothing left and nobody writing: now it compacts.
      expect(await relay.compact()).toBe(true);
      expect(await fileOf()).not.toBe(before);
    } finally {
      if (writer.isTransactionActive) await writer.rollbackTransaction();
      await writer.release();
      await relay.stop();
      await transport.close();
    }
  });

  it('keeps rows another tenant committed: whoever calls it, the emptiness check sees every tenant', async () => {
    await withTenant(ds, 'tenant-other', (m) => enqueueEvents(m, registry, 'test', 'tenant-other', [{ type: TYPE, subject: 's-9', data: { n: 500 } }]));
    // As the app role in tenant-relay's context (which cannot see tenant-other's row through RLS).
    const compacted = await withTenant(ds, 'tenant-relay', async (m) => (await m.query(`SELECT kit_outbox_compact() AS c`))[0].c as boolean);
    expect(compacted).toBe(false);
    const left = await ds.transaction(async (m) => {
      await m.query(`SELECT set_config('app.outbox_relay', 'on', true)`);
      return m.query(`SELECT tenant_id FROM outbox WHERE tenant_id = 'tenant-other'`);
    });
    expect(left).toEqual([{ tenant_id: 'tenant-other' }]);
  });
});
