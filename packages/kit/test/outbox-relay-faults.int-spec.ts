// The relay when its database connection dies (issue 10 items 1 and 2): it must not crash the
// process, must reconnect and resume (LISTEN included), and must never publish without holding
// leadership — two relays, a killed connection: per-key order and no double publish.
import { Client } from 'pg';
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
import { adminUrl, createTestDatabase, eventually } from '@commonhold/testing';

const TYPE = 'commonhold.test.thing.happened.v1';
const registry = new EventRegistry([
  { type: TYPE, topic: 'test.thing', producer: 'test', consumers: [], schema: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } },
]);
const log = createLogger('relay-faults-test', 'silent');

interface Sent {
  by: string;
  n: number;
  key: string;
  /** Whether the sending relay's session held the leadership lock when the publish reached the broker (checked when `broker.lockCheck` is on). */
  locked?: boolean;
}

/** One log of what reached "the broker", in publish order, and which relay sent it. */
class Broker {
  sent: Sent[] = [];
  hold?: Promise<void>;
  holding?: string;
  held: TransportMessage[] = [];
  /** When set, every publish asks PostgreSQL whether its relay's session holds an advisory lock right then. */
  lockCheck?: { relays: Record<string, OutboxRelay> };
  transport(by: string): InProcessTransport {
    const broker = this;
    const t = new InProcessTransport();
    const publish = t.publish.bind(t);
    t.publish = async (messages: TransportMessage[]) => {
      if (broker.hold && (!broker.holding || broker.holding === by)) {
        broker.held = messages;
        await broker.hold;
      }
      const locked = broker.lockCheck ? await holdsLock(await broker.lockCheck.relays[by]!.sessionPid()) : undefined;
      for (const m of messages) broker.sent.push({ by, n: JSON.parse(m.value).n, key: m.key, ...(locked === undefined ? {} : { locked }) });
      return publish(messages);
    };
    return t;
  }
}

let appUrl: string;
let database: string;
let ds: ReturnType<typeof createDataSource>;
let admin: Client;
beforeAll(async () => {
  ({ appUrl } = await createTestDatabase('relayfaults', [KitTables1763800000000]));
  database = new URL(appUrl).pathname.slice(1);
  ds = createDataSource({ url: appUrl, entities: [], migrations: [] });
  await ds.initialize();
  admin = new Client({ connectionString: adminUrl() });
  admin.on('error', () => undefined);
  await admin.connect();
});
afterAll(async () => {
  await ds.destroy();
  await admin.end();
});

const emit = (n: number, keys = 3) => withTenant(ds, 'tenant-f', (m) => enqueueEvents(m, registry, 'test', 'tenant-f', [{ type: TYPE, subject: `s-${n % keys}`, data: { n } }]));
const terminate = async (pid: number | undefined) => {
  expect(pid).toBeDefined();
  const r = await admin.query(`SELECT pg_terminate_backend($1) AS ok FROM pg_stat_activity WHERE pid = $1 AND datname = $2`, [pid, database]);
  expect(r.rows[0]?.ok).toBe(true);
};
const holdsLock = async (pid: number | undefined) =>
  pid !== undefined && (await admin.query(`SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.granted AND l.pid = $1 AND d.datname = $2`, [pid, database])).rowCount === 1;
const terminateByName = async (applicationName: string) => {
  const r = await admin.query(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = $2`, [applicationName, database]);
  return r.rows[0].n as number;
};
/** First delivery of each event, in order, must be in commit order per key. */
const perKeyOrdered = (sent: Sent[]) => {
  const seen = new Set<number>();
  const last = new Map<string, number>();
  for (const s of sent) {
    if (seen.has(s.n)) continue;
    seen.add(s.n);
    if ((last.get(s.key) ?? -1) > s.n) return false;
    last.set(s.key, s.n);
  }
  return true;
};

it('survives its connection being terminated while a batch is open, reconnects and publishes everything', async () => {
  const broker = new Broker();
  const transport = broker.transport('a');
  await transport.connect();
  const relay = new OutboxRelay({ databaseUrl: appUrl, transport, log, name: 'faults-open', pollIntervalMs: 60_000 });
  await relay.start();
  try {
    let release!: () => void;
    broker.hold = new Promise((r) => (release = r));
    await emit(1);
    await eventually(async () => broker.held.length === 1, { timeoutMs: 5000 }); // claimed; its publish is held open
    expect(await terminateByName('faults-open-outbox-relay')).toBe(1); // the batch's transaction dies with it
    await new Promise((r) => setTimeout(r, 200)); // an unhandled 'error' would have crashed the worker by now
    broker.hold = undefined;
    release();
    for (let n = 2; n <= 5; n++) await emit(n);
    // Everything arrives (event 1 possibly twice: its publish was already on the wire — consumers dedupe).
    await eventually(async () => [1, 2, 3, 4, 5].every((n) => broker.sent.some((s) => s.n === n)), { timeoutMs: 10_000 });
    expect(relay.sessions).toBeGreaterThanOrEqual(2);
    expect(relay.isLeader()).toBe(true);
    expect(broker.sent.filter((s) => s.n !== 1).map((s) => s.n)).toEqual([2, 3, 4, 5]);
    // The relay publishes, then commits the batch's DELETE: the rows go once that COMMIT lands.
    const left = async () => (await withTenant(ds, 'tenant-f', (m) => m.query(`SELECT count(*)::int AS n FROM outbox`)))[0].n as number;
    await eventually(async () => (await left()) === 0, { timeoutMs: 5000 }).catch(() => undefined);
    expect(await left()).toBe(0);
  } finally {
    await relay.stop();
    await transport.close();
  }
});

it('gets its LISTEN connection back after it is terminated: a commit is published without waiting for the poll', async () => {
  const broker = new Broker();
  const transport = broker.transport('a');
  await transport.connect();
  // A 60 s poll: only a working LISTEN publishes the next commit within the test's few seconds.
  const relay = new OutboxRelay({ databaseUrl: appUrl, transport, log, name: 'faults-listen', pollIntervalMs: 60_000 });
  await relay.start();
  try {
    await eventually(async () => relay.isLeader());
    await emit(10);
    await eventually(async () => broker.sent.some((s) => s.n === 10), { timeoutMs: 5000 });
    expect(await terminateByName('faults-listen-outbox-relay')).toBeGreaterThanOrEqual(1);
    await eventually(async () => relay.sessions >= 2 && relay.isLeader(), { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    const t = Date.now();
    await emit(11);
    await eventually(async () => broker.sent.some((s) => s.n === 11), { timeoutMs: 5000 });
    expect(Date.now() - t).toBeLessThan(5000);
    // The lock came back too: the relay holds it on its new session.
    const locks = await admin.query(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'faults-listen-outbox-relay' AND a.datname = $1`,
      [database],
    );
    expect(locks.rows[0].n).toBe(1);
  } finally {
    await relay.stop();
    await transport.close();
  }
});

// Who leads after the kill is a race both relays may win (the old leader reconnects within ~100 ms,
// the standby wakes on the next NOTIFY): what must hold is that no publish ever happens from a
// session without the lock, that the killed session really lost it, and nothing is lost, doubled or
// reordered.
it('two relays, the leader loses its connection: no relay publishes without the lock; per-key order holds and nothing is published twice', async () => {
  const broker = new Broker();
  const ta = broker.transport('a');
  const tb = broker.transport('b');
  await ta.connect();
  await tb.connect();
  const a = new OutboxRelay({ databaseUrl: appUrl, transport: ta, log, name: 'faults-split', batchSize: 5, pollIntervalMs: 100 });
  const b = new OutboxRelay({ databaseUrl: appUrl, transport: tb, log, name: 'faults-split', batchSize: 5, pollIntervalMs: 100 });
  broker.lockCheck = { relays: { a, b } };
  await a.start();
  await eventually(async () => a.isLeader());
  await b.start();
  try {
    let n = 100;
    for (; n < 130; n++) await emit(n, 4);
    await eventually(async () => broker.sent.length === 30);
    expect(new Set(broker.sent.map((s) => s.by))).toEqual(new Set(['a']));
    const killedPid = await a.sessionPid();
    await terminate(killedPid); // what was the LISTEN connection holding the lock
    const killedAt = broker.sent.length;
    // Keep committing while leadership moves.
    const writer = (async () => {
      for (; n < 230; n++) await emit(n, 4);
    })();
    await writer;
    await eventually(async () => new Set(broker.sent.map((s) => s.n)).size === 130, { timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 300)); // any late publish from a stale leader would show now
    expect(broker.sent.filter((s) => !s.locked)).toEqual([]); // never published without the lock
    expect(a.sessions).toBeGreaterThanOrEqual(2); // a's killed session was replaced, not reused
    expect(await a.sessionPid()).not.toBe(killedPid);
    expect([a.isLeader(), b.isLeader()].filter(Boolean)).toHaveLength(1);
    expect(broker.sent.slice(killedAt).length).toBe(100);
    expect(broker.sent.length).toBe(130); // no double publish
    expect(perKeyOrdered(broker.sent)).toBe(true);
    expect(broker.sent.map((s) => s.n)).toEqual(Array.from({ length: 130 }, (_, i) => 100 + i));
  } finally {
    await a.stop();
    await b.stop();
    await ta.close();
    await tb.close();
  }
});

it('two relays, the leader loses its connection mid-publish: the new leader republishes that batch first, per-key order of first deliveries holds', async () => {
  const broker = new Broker();
  const ta = broker.transport('a');
  const tb = broker.transport('b');
  await ta.connect();
  await tb.connect();
  const a = new OutboxRelay({ databaseUrl: appUrl, transport: ta, log, name: 'faults-midpub', batchSize: 5, pollIntervalMs: 100 });
  const b = new OutboxRelay({ databaseUrl: appUrl, transport: tb, log, name: 'faults-midpub', batchSize: 5, pollIntervalMs: 100 });
  await a.start();
  await eventually(async () => a.isLeader());
  await b.start();
  try {
    let release!: () => void;
    broker.holding = 'a';
    broker.hold = new Promise((r) => (release = r));
    for (let n = 300; n < 305; n++) await emit(n, 2);
    await eventually(async () => broker.held.length > 0, { timeoutMs: 5000 });
    const inFlight = broker.held.map((m) => JSON.parse(m.value).n as number);
    await terminate(await a.sessionPid());
    for (let n = 305; n < 320; n++) await emit(n, 2);
    await eventually(async () => new Set(broker.sent.map((s) => s.n)).size >= 20 - inFlight.length, { timeoutMs: 10_000 });
    release(); // a's publish that was already on the wire lands late
    broker.hold = undefined;
    await eventually(async () => new Set(broker.sent.map((s) => s.n)).size === 20, { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    const byA = broker.sent.filter((s) => s.by === 'a').map((s) => s.n);
    expect(byA.every((x) => inFlight.includes(x))).toBe(true); // a published only the batch it held before the kill
    const dupes = broker.sent.length - 20;
    expect(dupes).toBeLessThanOrEqual(inFlight.length);
    expect(perKeyOrdered(broker.sent)).toBe(true);
    expect(a.isLeader()).toBe(false);
  } finally {
    await a.stop();
    await b.stop();
    await ta.close();
    await tb.close();
  }
});
