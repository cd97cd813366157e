// /ready and the lag gauges through a real broker outage (issue 10 item 3), and the subgraph's
// graceful drain with concurrent keep-alive clients (item 4). The broker here is this file's own
// (free ports), stopped and restarted on its data mid-test.
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import gql from 'graphql-tag';
import {
  baseConfigSchema,
  composeAccessRules,
  createDataSource,
  createLogger,
  createTokenVerifier,
  enqueueEvents,
  EventRegistry,
  InProcessTransport,
  KafkaTransport,
  KitTables1763800000000,
  loadConfig,
  startService,
  withTenant,
  type RunningService,
  type ServiceDefinition,
} from '../src';
import { createTestDatabase, eventually, testKeys, uniquePrefix } from '@commonhold/testing';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const broker = require(path.join(__dirname, '..', '..', '..', 'scripts', 'kafka', 'broker.js')) as {
  ensureBroker(o: object): Promise<{ brokers: string }>;
  stopBroker(o: object): Promise<boolean>;
};

const TYPE = 'commonhold.test.thing.happened.v1';
const registry = new EventRegistry([
  { type: TYPE, topic: 'test.thing', producer: 'health', consumers: ['health.things'], schema: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } },
]);
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

let slowMs = 0;
const def: ServiceDefinition = {
  name: 'health',
  typeDefs: gql`
    type Query {
      ping: String
      slow: String
    }
  `,
  resolvers: {
    Query: {
      ping: () => 'pong',
      slow: async () => {
        await new Promise((r) => setTimeout(r, slowMs));
        return 'done';
      },
    },
  },
  access: composeAccessRules([{ name: 'health', permissions: { Query: { ping: 'health:read', slow: 'health:read' } } }]),
  entities: [],
  migrations: [KitTables1763800000000],
  consumers: () => [{ group: 'health.things', topics: ['test.thing'], handlers: { [TYPE]: async () => undefined } }],
};

async function boot(appUrl: string, env: Record<string, string>, transport: KafkaTransport | InProcessTransport) {
  const keys = await testKeys();
  const config = loadConfig(baseConfigSchema, { NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', DATABASE_URL: appUrl, ...env });
  const svc = await startService(def, {
    config,
    transport,
    registry,
    verifyToken: createTokenVerifier({ jwksFile: keys.jwksFile, issuer: 'commonhold-identity', audience: 'commonhold' }),
    log: createLogger('health', 'silent'),
    host: '127.0.0.1',
  });
  return { svc, token: await keys.token('tenant-h') };
}

const metric = (text: string, name: string, labels = '') => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('readiness and lag through a broker outage', () => {
  let svc: RunningService;
  let brokerOpts: { port: number; controllerPort: number; quiet: boolean };
  let appUrl: string;
  let base: string;
  const saved = process.env.KAFKA_BROKERS;

  /** ensureBroker returns the suite's broker (and starts nothing) while KAFKA_BROKERS is set. */
  const ownBroker = async (opts: object) => {
    delete process.env.KAFKA_BROKERS;
    try {
      return await broker.ensureBroker(opts);
    } finally {
      if (saved !== undefined) process.env.KAFKA_BROKERS = saved;
    }
  };

  beforeAll(async () => {
    brokerOpts = { port: await freePort(), controllerPort: await freePort(), quiet: true };
    const { brokers } = await ownBroker(brokerOpts);
    ({ appUrl } = await createTestDatabase('health', [KitTables1763800000000]));
    const transport = new KafkaTransport({ brokers: [brokers], clientId: 'health', topicPrefix: `${uniquePrefix()}.`, probeIntervalMs: 300, probeTimeoutMs: 800 });
    ({ svc } = await boot(appUrl, { TRANSPORT_UNREACHABLE_AFTER_MS: '2000', CONSUMER_LAG_SAMPLE_MS: '300' }, transport));
    base = svc.url.replace('/graphql', '');
  }, 120_000);
  afterAll(async () => {
    await svc?.stop();
    await svc?.runtime.transport.close();
    await broker.stopBroker({ ...brokerOpts, kill: true });
  });

  it('degrades /ready, reports the oldest row’s age and stale consumer lag while the broker is down', async () => {
    const ready = async () => {
      const r = await fetch(`${base}/ready`);
      return { status: r.status, body: (await r.json()) as { status: string; checks: Record<string, boolean> } };
    };
    const metrics = async () => (await fetch(`${base}/metrics`)).text();
    expect((await ready()).body.status).toBe('ready');

    await broker.stopBroker({ ...brokerOpts, kill: true }); // kill -9
    const ds = createDataSource({ url: appUrl, entities: [], migrations: [] });
    await ds.initialize();
    try {
      // Writes still commit into the outbox.
      for (let n = 0; n < 20; n++) await withTenant(ds, 'tenant-h', (m) => enqueueEvents(m, registry, 'health', 'tenant-h', [{ type: TYPE, subject: `s${n}`, data: { n } }]));
      const [{ created }] = await withTenant(ds, 'tenant-h', (m) => m.query(`SELECT min(created_at) AS created FROM outbox`));
      const degraded = await eventually(async () => {
        const r = await ready();
        return r.body.status === 'degraded' ? r : undefined;
      }, { timeoutMs: 20_000 });
      expect(degraded.status).toBe(200); // writes work: a broker outage alone does not pull the pods
      expect(degraded.body.checks.transport).toBe(false);
      await eventually(async () => {
        const text = await metrics();
        const lag = metric(`${text}\n`, 'outbox_lag_seconds');
        const expected = (Date.now() - new Date(created).getTime()) / 1000;
        return (
          lag !== undefined && lag >= 2 && Math.abs(lag - expected) < 3 &&
          metric(text, 'event_transport_up') === 0 &&
          /consumer_lag_stale\{[^}]*group="health.things"[^}]*\} 1/.test(text) &&
          /consumer_lag_messages\{[^}]*group="health.things"[^}]*\} NaN/i.test(text)
        );
      }, { timeoutMs: 20_000 });

      // The broker comes back on its data: readiness, the relay and the lag samples recover.
      await ownBroker({ ...brokerOpts, keepData: true });
      const recovered = await eventually(async () => {
        const r = await ready();
        return r.body.status === 'ready' ? r : undefined;
      }, { timeoutMs: 60_000, intervalMs: 2000 });
      expect(recovered.status).toBe(200);
      expect(recovered.body.checks.transport).toBe(true);
      await eventually(async () => {
        const [{ n }] = await withTenant(ds, 'tenant-h', (m) => m.query(`SELECT count(*)::int AS n FROM outbox`));
        const text = await metrics();
        return n === 0 && metric(text, 'event_transport_up') === 1 && /consumer_lag_stale\{[^}]*group="health.things"[^}]*\} 0/.test(text);
      }, { timeoutMs: 60_000 });
    } finally {
      await ds.destroy();
    }
  }, 150_000);
});

describe('graceful drain of a subgraph', () => {
  it('on stop: /ready turns 503, in-flight keep-alive requests finish, new requests during the grace period are served with Connection: close, then the listener closes', async () => {
    const { appUrl } = await createTestDatabase('drain', [KitTables1763800000000]);
    const transport = new InProcessTransport();
    await transport.connect();
    const { svc, token } = await boot(appUrl, { DRAIN_GRACE_MS: '600', DRAIN_TIMEOUT_MS: '5000' }, transport);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const post = (query: string) =>
      new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
        const req = http.request(svc.url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, body, connection: res.headers.connection }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(JSON.stringify({ query }));
      });
    try {
      // Warm 8 keep-alive sockets.
      await Promise.all(Array.from({ length: 8 }, () => post('{ ping }')));
      slowMs = 400;
      const inFlight = Array.from({ length: 8 }, () => post('{ slow }'));
      await new Promise((r) => setTimeout(r, 100));
      const stopping = svc.stop();
      const readyDuringDrain = await fetch(`${svc.url.replace('/graphql', '')}/ready`, { headers: { connection: 'close' } });
      expect(readyDuringDrain.status).toBe(503);
      const late = await post('{ ping }'); // within the grace period: still served, told to close
      const results = await Promise.all(inFlight);
      await stopping;
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(results.every((r) => JSON.parse(r.body).data.slow === 'done')).toBe(true);
      expect(late.status).toBe(200);
      expect(late.connection).toBe('close');
      await expect(post('{ ping }')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      slowMs = 0;
      agent.destroy();
      await svc.stop();
      await transport.close();
    }
  });
});
