// `npm run new:subgraph -- <name> --port <port> [--flag ENABLE_X]`: writes a working subgraph in
// the module shape (docs/adding-a-subgraph.md), then regenerates every derived list, composes the
// supergraph, generates event payload types, locks the new event contract and regenerates
// docs/security/roles.md with the example module's permissions. Its tests pass at once.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { camel, envName, loadRegistry, REPO_ROOT } from '../platform/registry';
import { templates } from './templates';

/** The kill switches the architecture names for the planned subgraphs; others get ENABLE_<NAME>. */
export const ARCHITECTURE_FLAGS: Record<string, string> = {
  collections: 'ENABLE_COLLECTIONS_OS',
  'bulk-ops': 'ENABLE_BULK_OPS',
};

export function parseArgs(argv: string[]): { name: string; port: number; flag: string } {
  const positional = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  const opt = (k: string) => {
    const i = argv.indexOf(`--${k}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const name = positional[0];
  const problems: string[] = [];
  if (!name || !/^[a-z][a-z]*(-[a-z]+)*$/.test(name)) problems.push('name: give a kebab-case name of letters, e.g. `collections` or `bulk-ops`');
  const port = Number(opt('port'));
  if (!Number.isInteger(port) || port < 1024 || port > 65535) problems.push('--port: give a port between 1024 and 65535, e.g. --port 4020');
  const flag = opt('flag') ?? (name ? (ARCHITECTURE_FLAGS[name] ?? `ENABLE_${envName(name)}`) : '');
  if (!/^ENABLE_[A-Z0-9_]+$/.test(flag)) problems.push('--flag: ENABLE_<SOMETHING>');
  if (problems.length) throw new Error(`new:subgraph:\n${problems.map((p) => `  - ${p}`).join('\n')}\nusage: npm run new:subgraph -- <name> --port <port> [--flag ENABLE_X]`);
  return { name: name!, port, flag };
}

function run(script: string, args: string[] = []) {
  execFileSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, script), ...args], { cwd: REPO_ROOT, stdio: 'inherit' });
}

export function main(argv = process.argv.slice(2)) {
  const { name, port, flag } = parseArgs(argv);
  const registry = loadRegistry();
  const clash = [
    ...(existsSync(join(REPO_ROOT, 'services', name)) ? [`services/${name} already exists`] : []),
    ...registry.filter((m) => m.port === port).map((m) => `port ${port} is ${m.name}'s`),
    ...registry.filter((m) => m.featureFlag === flag).map((m) => `flag ${flag} is ${m.name}'s`),
  ];
  if (clash.length) throw new Error(`new:subgraph: ${clash.join('; ')}`);
  const c = camel(name);
  const names = { name, camel: c, pascal: c[0]!.toUpperCase() + c.slice(1), sql: name.replace(/-/g, '_'), port, flag, ts: Date.now() };
  for (const [rel, content] of Object.entries(templates(names))) {
    const path = join(REPO_ROOT, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    console.log(`created ${rel}`);
  }
  run('scripts/platform/generate.ts');
  run('scripts/events-types.ts');
  run('scripts/compose.ts');
  run('scripts/events-lock.ts');
  run('scripts/roles-doc.ts');
  console.log(`
${name} is ready: services/${name}/ (port ${port}, kill switch ${flag}).
  npx jest services/${name}      its unit and end-to-end tests
  npm start                      serves it through the gateway on http://localhost:4000/graphql
Next: describe it in services/${name}/service.json and replace the example "notes" module.`);
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
