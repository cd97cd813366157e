// The relay on real PostgreSQL: wake-ups, order, and leadership across replicas.
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
