// The image's command, proven without Docker: `npm run build`, then each deployable laid out as the
// image lays it out — /app/dist from `build.mjs <name> --out`, /app/node_modules holding only the
// production dependencies of its workspace — and started with the Dockerfile's own ENTRYPOINT,
// NODE_ENV=production and nothing else in the environment but the service's settings.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { provisionDatabase } from '@commonhold/kit';
import { adminUrl, bearer, eventually, gql, testKeys, uniquePrefix } from '@commonhold/testing';
import { imageCommand, readDockerfile, repoRoot as root } from './dockerfile';
import { dbName } from '../../scripts/platform/registry';

interface Deployable {
  name: string;
  dir: string;
}
// Discovered here by the same rule the build documents, so a service the build skipped fails.
const deployables: Deployable[] = [
  { name: 'gateway', dir: 'gateway' },
  ...readdirSync(join(root, 'services'))
    .filter((n) => existsSync(join(root, 'services', n, 'src', 'main.ts')))
    .map((n) => ({ name: n, dir: `services/${n}` })),
];
const services = deployables.filter((d) => d.name !== 'gateway');
const image = imageCommand(readDockerfile());
const work = mkdtempSync(join(tmpdir(), 'commonhold-image-'));
const appDir = (d: Deployable) => join(work, d.name, 'app'); // the image's WORKDIR /app

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

const run = (cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  spawnSync(cmd, args, { cwd: opts.cwd ?? root, env: opts.env ?? process.env, encoding: 'utf8', timeout: 120_000 });

const hashes = (dir: string): Record<string, string> => {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
};

/**
 * What `npm install --omit=dev --workspace <dir>` leaves in the image, built from this checkout's
 * node_modules: the packages `npm ls` lists for that workspace without dev dependencies, hard-linked
 * (real files, so Node resolves from here and never falls back to the repository's node_modules).
 */
function installProductionDependencies(d: Deployable, target: string) {
  const ls = run('npm', ['ls', '--omit=dev', '--all', '--parseable', '--workspace', d.dir]);
  const nodeModules = join(root, 'node_modules') + sep;
  const packages = [...new Set(ls.stdout.split('\n'))].filter((p) => p.startsWith(nodeModules) && !lstatSync(p).isSymbolicLink());
  expect(packages.length).toBeGreaterThan(20);
  const link = (src: string, dst: string, packageRoot: boolean) => {
    mkdirSync(dst, { recursive: true });
    for (const e of readdirSync(src, { withFileTypes: true })) {
      if (packageRoot && e.name === 'node_modules') continue; // nested packages come as their own entries
      const [s, t] = [join(src, e.name), join(dst, e.name)];
      if (e.isSymbolicLink()) symlinkSync(readlinkSync(s), t);
      else if (e.isDirectory()) link(s, t, false);
      else linkSync(s, t);
    }
  };
  for (const p of packages) link(p, join(target, relative(nodeModules, p)), true);
}

const children: { name: string; child: ChildProcess; log: string[]; ready: boolean }[] = [];

/** The container's environment: its settings only (no NODE_OPTIONS, no tsx, no repository paths). */
const containerEnv = (env: Record<string, string>): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, NODE_ENV: 'production', LOG_LEVEL: 'info', ...env });

/** `docker run <image> [args]`: the Dockerfile's ENTRYPOINT, run in WORKDIR of the laid-out image. */
function imageArgv(d: Deployable, args: string[], nodeFlags: string[] = []) {
  const [node, ...rest] = image.argv;
  expect(node).toBe('node');
  return { cmd: process.execPath, args: [...nodeFlags, ...rest, ...args], cwd: appDir(d) };
}

const RESTARTED = '\n--- restarted ---\n';
/**
 * Starts a container. Like a pod's restartPolicy, a process that exits before it was ever ready is
 * started again (twice at most), saying why: a startup crash of the kit against a slow broker (see
 * docs/build.md) is then visible without failing this test, which is about the image.
 */
function launch(d: Deployable, env: Record<string, string>, restarts = 0, log: string[] = []) {
  const { cmd, args, cwd } = imageArgv(d, []);
  const child = spawn(cmd, args, { cwd, env: containerEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (b) => log.push(String(b)));
  child.stderr!.on('data', (b) => log.push(String(b)));
  const entry = children.find((c) => c.name === d.name);
  if (entry) Object.assign(entry, { child, log });
  else children.push({ name: d.name, child, log, ready: false });
  child.once('exit', (code, signal) => {
    if (stopping.has(child)) return;
    const ready = children.find((c) => c.name === d.name)!.ready;
    console.warn(`${d.name} exited ${ready ? 'after it was ready' : 'while starting'} (code ${code}, signal ${signal}):\n${log.join('').slice(-3000)}`);
    if (!ready && restarts < 2) launch(d, env, restarts + 1, [...log, RESTARTED]);
  });
  return child;
}

const stopping = new Set<ChildProcess>();
const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    stopping.add(child);
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

let firstBuild: Record<string, Record<string, string>>;
const keys = testKeys();
const prefix = uniquePrefix();
const ports: Record<string, number> = {};
const svcEnv: Record<string, Record<string, string>> = {};
const logOf = (name: string) => children.find((c) => c.name === name)?.log.join('') ?? '';

beforeAll(() => {
  const built = run('npm', ['run', 'build']);
  expect(built.stderr).not.toMatch(/Build failed/);
  expect(built.status).toBe(0);
  firstBuild = Object.fromEntries(deployables.map((d) => [d.name, hashes(join(root, d.dir, 'dist'))]));
}, 120_000);

afterAll(() => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe('npm run build', () => {
  it('builds every deployable: a bundle, its source map and the runtime contracts', () => {
    for (const d of deployables) {
      const files = Object.keys(firstBuild[d.name]!);
      expect(files).toEqual(expect.arrayContaining(['main.js', 'main.js.map', join('schemas', 'supergraph.graphql'), join('schemas', 'subgraphs', 'fundraising', '00-core.graphql')]));
      expect(files.filter((f) => f.startsWith(join('schemas', 'events')) && f.endsWith('.json')).length).toBe(readdirSync(join(root, 'schemas', 'events')).filter((f) => f.endsWith('.json')).length);
      const bundle = readFileSync(join(root, d.dir, 'dist', 'main.js'), 'utf8');
      // Our workspace code is inside; only packages are required at runtime, never TypeScript or tsx.
      expect(bundle).not.toMatch(/require\("@commonhold\//);
      expect(bundle).not.toMatch(/require\("[^"]*\.ts"\)/);
      expect(bundle).not.toMatch(/require\("tsx/);
    }
  });

  it('rebuilds byte for byte and removes stale output', () => {
    const stale = join(root, deployables[0]!.dir, 'dist', 'stale.js');
    writeFileSync(stale, 'old');
    expect(run(process.execPath, ['scripts/build.mjs']).status).toBe(0);
    expect(existsSync(stale)).toBe(false);
    for (const d of deployables) expect(hashes(join(root, d.dir, 'dist'))).toEqual(firstBuild[d.name]);
  }, 60_000);
});

describe('the built images, run as their ENTRYPOINT with NODE_ENV=production', () => {
  it('lay out as the Dockerfile does: the bundle plus production dependencies only', () => {
    for (const d of deployables) {
      const out = run(process.execPath, ['scripts/build.mjs', d.name, '--out', join(appDir(d), 'dist')]); // the build stage's command
      expect(out.status).toBe(0);
      expect(hashes(join(appDir(d), 'dist'))).toEqual(firstBuild[d.name]);
      installProductionDependencies(d, join(appDir(d), 'node_modules'));
      expect(existsSync(join(appDir(d), 'node_modules', 'tsx'))).toBe(false);
      expect(existsSync(join(appDir(d), 'node_modules', 'esbuild'))).toBe(false);
      const bundle = readFileSync(join(appDir(d), 'dist', 'main.js'), 'utf8');
      for (const [, pkg] of bundle.matchAll(/(?<![\w$.])require\("((?:@[^/"]+\/)?[^/"]+)[^"]*"\)/g)) {
        if (!pkg!.startsWith('node:')) expect([d.name, pkg, existsSync(join(appDir(d), 'node_modules', pkg!, 'package.json'))]).toEqual([d.name, pkg, true]);
      }
    }
  }, 120_000);

  it('migrate: the same image with the argument `migrate` applies migrations and exits 0', async () => {
    const { jwksFile } = await keys;
    for (const d of deployables) ports[d.name] = await freePort();
    for (const d of services) {
      const db = await provisionDatabase({ adminUrl: adminUrl(), database: `${prefix}${dbName(d.name)}`, appRole: `${prefix}${dbName(d.name)}_app`, appPassword: 'pw' });
      svcEnv[d.name] = {
        PORT: String(ports[d.name]),
        DATABASE_URL: db.appUrl,
        DATABASE_MIGRATION_URL: db.ownerUrl,
        JWKS_FILE: jwksFile,
        KAFKA_BROKERS: process.env.KAFKA_BROKERS!,
        KAFKA_TOPIC_PREFIX: `${prefix}.`,
        CONSUMER_BACKOFF_MS: '20',
        // Production refuses to start without a key-encryption key for tenants' secrets.
        SECRETS_KEKS: `img:${randomBytes(32).toString('base64')}`,
      };
      const { cmd, args, cwd } = imageArgv(d, ['migrate']); // the Helm hook Job
      const migrated = spawnSync(cmd, args, { cwd, env: containerEnv(svcEnv[d.name]!), encoding: 'utf8', timeout: 60_000 });
      expect([d.name, migrated.status, migrated.stderr]).toEqual([d.name, 0, '']);
      expect(migrated.stdout).toMatch(/migrations applied/);
    }
  }, 120_000);

  it('start OpenTelemetry before the libraries it instruments are first required', async () => {
    const { jwksFile } = await keys;
    const probe = join(work, 'telemetry-order-probe.cjs');
    writeFileSync(
      probe,
      `const Module = require('node:module'); const seen = {};
const watched = new Set(['pg', 'express', 'kafkajs', 'typeorm', 'ioredis', '@apollo/server', '@apollo/gateway']);
const original = Module.prototype.require;
Module.prototype.require = function (id) {
  if (watched.has(id) && !(id in seen)) {
    seen[id] = Boolean(globalThis[Symbol.for('opentelemetry.js.api.1')]?.trace);
    require('node:fs').writeFileSync(process.env.PROBE_OUT, JSON.stringify(seen));
  }
  return original.apply(this, arguments);
};`,
    );
    for (const d of deployables) {
      const out = join(work, `${d.name}.probe.json`);
      if (d.name === 'gateway') {
        // The gateway has no one-shot mode: serve until it answers, then stop it.
        const port = await freePort();
        const { cmd, args, cwd } = imageArgv(d, [], ['--require', probe]);
        const gw = spawn(cmd, args, { cwd, env: containerEnv({ PORT: String(port), JWKS_FILE: jwksFile, PROBE_OUT: out }), stdio: 'ignore' });
        await eventually(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.ok, { timeoutMs: 30_000, intervalMs: 200 });
        await stop(gw); // its exit code is asserted on the real run below
      } else {
        const { cmd, args, cwd } = imageArgv(d, ['migrate'], ['--require', probe]);
        expect(spawnSync(cmd, args, { cwd, env: containerEnv({ ...svcEnv[d.name]!, PROBE_OUT: out }), timeout: 60_000 }).status).toBe(0);
      }
      const seen = JSON.parse(readFileSync(out, 'utf8')) as Record<string, boolean>;
      expect(Object.keys(seen)).toEqual(expect.arrayContaining(['express', '@apollo/server']));
      expect([d.name, seen]).toEqual([d.name, Object.fromEntries(Object.keys(seen).map((k) => [k, true]))]);
    }
  }, 120_000);

  it('serve: every service and the gateway become ready', async () => {
    const { jwksFile } = await keys;
    for (const d of services) launch(d, svcEnv[d.name]!);
    const gatewayEnv: Record<string, string> = { PORT: String(ports.gateway), JWKS_FILE: jwksFile };
    if (process.env.REDIS_URL) gatewayEnv.REDIS_URL = process.env.REDIS_URL;
    for (const d of services) gatewayEnv[`SUBGRAPH_${d.name.toUpperCase().replace(/-/g, '_')}_URL`] = `http://127.0.0.1:${ports[d.name]}/graphql`;
    launch(deployables.find((d) => d.name === 'gateway')!, gatewayEnv);
    for (const d of deployables) {
      await eventually(async () => (await fetch(`http://127.0.0.1:${ports[d.name]}/ready`).catch(() => undefined))?.status === 200, { timeoutMs: 90_000, intervalMs: 200 }).catch((err) => {
        throw new Error(`${d.name} never became ready: ${(err as Error).message}\n${logOf(d.name)}`);
      });
      children.find((c) => c.name === d.name)!.ready = true;
    }
  }, 200_000);

  it('answer a mutation and a query through the gateway, with a token', async () => {
    const url = `http://127.0.0.1:${ports.gateway}/graphql`;
    const auth = bearer(await (await keys).token('image-tenant'));
    const created = await gql(url, `mutation { createContact(input: { firstName: "Caroline", lastName: "Herschel", idempotencyKey: "img-c" }) { contact { id } } }`, undefined, auth);
    expect(created.errors).toBeUndefined();
    const id = created.data.createContact.contact.id as string;
    // One query across both subgraphs, so every built service answers through the gateway.
    const read = await gql(url, `query($id: ID!) { contact(id: $id) { firstName lastName volunteerProfile { status } } }`, { id }, auth);
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({ contact: { firstName: 'Caroline', lastName: 'Herschel', volunteerProfile: null } });
  });

  it('run in production mode: introspection refused everywhere, logs are JSON lines', async () => {
    const auth = bearer(await (await keys).token('image-tenant'));
    for (const d of deployables) {
      const res = await gql(`http://127.0.0.1:${ports[d.name]}/graphql`, '{ __schema { queryType { name } } }', undefined, auth);
      expect([d.name, res.data?.__schema, res.errors?.[0]?.message]).toEqual([d.name, undefined, expect.stringMatching(/introspection/i)]);
    }
    const notJson = (l: string) => {
      try {
        return typeof JSON.parse(l) !== 'object';
      } catch {
        return true;
      }
    };
    for (const d of deployables) expect([d.name, logOf(d.name).split(RESTARTED).pop()!.split('\n').filter(Boolean).filter(notJson)]).toEqual([d.name, []]);
  });

  // ARCHITECTURE §8: SIGTERM drains in-flight requests, stops consumers, flushes the outbox.
  // Exit code null and drained false: Apollo Server's own signal handler re-raised SIGTERM before
  // ours finished (its stopOnTerminationSignals is on outside NODE_ENV=test); see docs/build.md.
  it('drain on SIGTERM and exit 0 (services log "<name> stopped" once consumers, outbox and database are closed)', async () => {
    // As a cluster does it: the gateway first (it holds no state), then every service at once.
    const gateway = children.find((c) => c.name === 'gateway')!;
    const outcome = async (c: (typeof children)[number]) => ({ name: c.name, code: await stop(c.child), drained: c.name === 'gateway' || logOf(c.name).includes(`"msg":"${c.name} stopped"`) });
    const results = [await outcome(gateway), ...(await Promise.all(children.filter((c) => c !== gateway).reverse().map(outcome)))];
    expect(results).toEqual(children.map((c) => ({ name: c.name, code: 0, drained: true })).reverse());
  }, 60_000);
});
