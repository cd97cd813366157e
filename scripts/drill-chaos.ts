// `npm run drill:chaos`: the full chaos drill (docs/runbooks/chaos-drill.md). Starts its own
// distributed stack (every service its own process, a Kafka broker of its own that it can kill and
// restart on its data), runs a bounded load through the gateway per fault, counts from the
// databases and exits 1 on any loss, duplicate, abandoned call or missed convergence.
//   npm run drill:chaos -- [--faults kill-fundraising,broker-restart] [--contacts 120] [--gifts 2] [--concurrency 8] [--markdown]
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { drillPassed, FAULTS, resultsTable, runChaosDrill, summaryLine, type FaultName } from './distributed/chaos';
import { broker, dataDir, devKeys, localPostgres, ownBroker } from './distributed/infra';
import { freePort, startDistributedStack, type DistributedStack } from './distributed/stack';

const log = (s: string) => process.stderr.write(`[chaos] ${s}\n`);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      faults: { type: 'string', default: FAULTS.join(',') },
      contacts: { type: 'string', default: '120' },
      gifts: { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '8' },
      markdown: { type: 'boolean', default: false },
    },
  });
  const faults = values.faults!.split(',').map((s) => s.trim()) as FaultName[];
  const bad = faults.filter((f) => !(FAULTS as readonly string[]).includes(f));
  if (bad.length) throw new Error(`unknown fault(s) ${bad.join(', ')}; known: ${FAULTS.join(', ')}`);
  // Free ports (the ephemeral range can hold any fixed one); kept across the broker's restarts.
  const port = Number(process.env.DRILL_KAFKA_PORT ?? (await freePort()));
  const controllerPort = await freePort();
  const t0 = Date.now();
  const pg = await localPostgres(log);
  const b = await ownBroker(port, controllerPort, false);
  log(`PostgreSQL: ${pg.kind}; Kafka (the drill's own): ${b.brokers}`);
  const keys = await devKeys();
  const prefix = `commonhold_drill_${randomBytes(3).toString('hex')}_`;
  const logDir = join(dataDir(), 'drill-logs', prefix.slice(0, -1));
  mkdirSync(logDir, { recursive: true });
  const files = new Map<string, WriteStream>();
  log(`process logs: ${logDir}/<name>.log`);
  let stack: DistributedStack | undefined;
  try {
    stack = await startDistributedStack({
      adminUrl: pg.adminUrl,
      databasePrefix: prefix,
      appPassword: 'commonhold-drill',
      kafkaBrokers: b.brokers,
      jwksFile: keys.jwksFile,
      freePorts: true,
      logLevel: 'warn',
      onLine: (name, line) => {
        let f = files.get(name);
        if (!f) files.set(name, (f = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' })));
        f.write(`${line}\n`);
      },
      env: { CONSUMER_BACKOFF_MS: '100', RATE_LIMIT_TENANT_PER_MINUTE: '1000000', RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_USER_PER_MINUTE: '1000000' },
    });
    log(`stack up in ${((Date.now() - t0) / 1000).toFixed(1)} s (databases ${prefix}*)`);
    const results = await runChaosDrill({
      stack,
      adminUrl: pg.adminUrl,
      token: (t) => keys.token(t),
      restartBroker: async () => {
        await broker.stopBroker({ port, controllerPort, kill: true }); // kill -9
        await ownBroker(port, controllerPort, true); // on its data: topics, offsets and messages survive
      },
      faults,
      contactsPerFault: Number(values.contacts),
      giftsPerContact: Number(values.gifts),
      concurrency: Number(values.concurrency),
      log,
    });
    console.log(values.markdown ? resultsTable(results) : results.map(summaryLine).join('\n'));
    const ok = drillPassed(results);
    console.log(ok ? 'chaos drill: 0 lost, 0 duplicated, every fault converged' : 'chaos drill FAILED: see the lines above');
    return ok ? 0 : 1;
  } finally {
    await stack?.stop();
    await b.stop();
    await pg.stop();
    for (const f of files.values()) f.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
