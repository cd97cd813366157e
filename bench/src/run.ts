/**
 * `npm run bench -- <name> [options]`: runs one bench and prints ONE JSON object on stdout
 * (progress and logs go to stderr). Benches: gateway, outbox, import, dashboard, collections, bulk. See docs/performance.md.
 */
import { gatewayBench } from './gateway.bench';
import { outboxBench } from './outbox.bench';
import { collectionsBench } from '../collections';
import { dashboardBench } from '../dashboard';
import { importBench } from '../import';
import { bulkBench } from '../bulk';

const benches: Record<string, (argv: string[]) => Promise<Record<string, unknown>>> = {
  gateway: gatewayBench,
  outbox: outboxBench,
  import: importBench,
  dashboard: dashboardBench,
  collections: collectionsBench,
  bulk: bulkBench,
};

async function main() {
  const [name, ...argv] = process.argv.slice(2);
  const bench = name ? benches[name] : undefined;
  if (!bench) {
    process.stderr.write(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]\n`);
    process.exitCode = 2;
    return;
  }
  // Anything a library prints with console.log must not corrupt the one JSON object on stdout.
  console.log = console.error;
  console.info = console.error;
  const result = await bench(argv);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    process.stderr.write(`[bench] failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
