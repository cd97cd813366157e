// Distributed mode on one machine: every service of the registry (scripts/platform/registry.ts) as
// its own process over a real Kafka broker, then the gateway in its own process. Used by
// `npm run start:distributed`, `npm run drill:chaos` and the distributed e2e specs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { provisionDatabase } from '@commonhold/kit';
import { envName, loadRegistry, REPO_ROOT, subgraphs, type ServiceManifest } from '../platform/registry';

export interface StackOptions {
  /** A PostgreSQL superuser URL; databases and roles are created through it. */
  adminUrl: string;
  /** Database and role name prefix (`commonhold_dist_` → `commonhold_dist_fundraising`, `…_app`). */
  databasePrefix: string;
  appPassword: string;
  kafkaBrokers: string;
  /** Namespaces topics and consumer groups (several stacks on one broker). */
  topicPrefix?: string;
  jwksFile: string;
  /** Fixed ports by service name (`gateway` too); 0 or absent = the registry's port, or a free one with `freePorts`. */
  ports?: Record<string, number>;
  freePorts?: boolean;
  /** Only these subgraphs (default: every subgraph of the registry). */
  services?: string[];
  nodeEnv?: 'development' | 'test' | 'production';
  logLevel?: string;
  /** Extra environment for every process, and per process. */
  env?: Record<string, string>;
  processEnv?: Record<string, Record<string, string>>;
  /** Each output line of each process. */
  onLine?: (name: string, line: string) => void;
}

export interface ManagedProcess {
  readonly name: string;
  readonly port: number;
  readonly baseUrl: string;
  readonly child: ChildProcess | undefined;
  /** Spawns the process (again, after a kill); resolves once it is listening and /ready answers 200. */
  start(): Promise<void>;
  waitReady(timeoutMs?: number): Promise<void>;
  /** SIGKILL, resolves when it is gone. */
  kill9(): Promise<void>;
  /** SIGTERM, resolves with the exit code once it exited. */
  stop(): Promise<number | null>;
}

export interface ServiceDatabase {
  name: string;
  database: string;
  appUrl: string;
  ownerUrl: string;
}

export interface DistributedStack {
  gatewayUrl: string;
  gateway: ManagedProcess;
  services: Record<string, ManagedProcess>;
  databases: Record<string, ServiceDatabase>;
  /** SIGTERM to the gateway, then every service (each drains); SIGKILL after 30 s. */
  stop(): Promise<void>;
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `node --import tsx <script>` from the repository root. */
function nodeArgs(script: string, ...args: string[]): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', script, ...args]];
}

export function manageProcess(name: string, script: string, port: number, env: Record<string, string>, onLine?: (name: string, line: string) => void): ManagedProcess {
  let child: ChildProcess | undefined;
  const baseUrl = `http://127.0.0.1:${port}`;
  const exited = (c: ChildProcess) => new Promise<number | null>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve(c.exitCode) : c.once('exit', (code) => resolve(code))));
  const proc: ManagedProcess = {
    name,
    port,
    baseUrl,
    get child() {
      return child;
    },
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) throw new Error(`${name} is already running`);
      const [cmd, args] = nodeArgs(script);
      const c = spawn(cmd, args, { cwd: REPO_ROOT, env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      let rest = '';
      const onData = (d: Buffer) => {
        const lines = (rest + d.toString('utf8')).split('\n');
        rest = lines.pop()!;
        for (const l of lines) onLine?.(name, l);
      };
      c.stdout!.on('data', onData);
      c.stderr!.on('data', onData);
      await proc.waitReady();
    },
    async waitReady(timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child?.exitCode ?? child?.signalCode}) before it was ready`);
        const ok = await fetch(`${baseUrl}/ready`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
        if (ok) return;
        await sleep(200);
      }
      throw new Error(`${name} was not ready within ${timeoutMs} ms`);
    },
    async kill9() {
      if (!child) return;
      const done = exited(child);
      child.kill('SIGKILL');
      await done;
    },
    async stop() {
      if (!child) return null;
      const c = child;
      const done = exited(c);
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 30_000);
      try {
        return await done;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return proc;
}

/** Creates (or reuses) a service's database and roles, then runs its `main migrate`. */
export async function provisionAndMigrate(m: ServiceManifest, opts: Pick<StackOptions, 'adminUrl' | 'databasePrefix' | 'appPassword' | 'nodeEnv'>): Promise<ServiceDatabase> {
  const base = m.name.replace(/-/g, '_');
  const database = `${opts.databasePrefix}${base}`;
  const db = await provisionDatabase({ adminUrl: opts.adminUrl, database, appRole: `${database}_app`, appPassword: opts.appPassword });
  const [cmd, args] = nodeArgs(`${m.dir}/src/main.ts`, 'migrate');
  const r = spawnSync(cmd, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: opts.nodeEnv ?? 'development', LOG_LEVEL: 'warn', DATABASE_URL: db.appUrl, DATABASE_MIGRATION_URL: db.ownerUrl },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${m.name}: migrate failed (${r.status})\n${r.stdout}${r.stderr}`);
  return { name: m.name, database, ...db };
}

export async function startDistributedStack(opts: StackOptions): Promise<DistributedStack> {
  const registry = loadRegistry();
  const all = subgraphs(registry);
  const unknown = (opts.services ?? []).filter((n) => !all.some((m) => m.name === n));
  if (unknown.length) throw new Error(`unknown service(s): ${unknown.join(', ')}`);
  const chosen = opts.services ? all.filter((m) => opts.services!.includes(m.name)) : all;
  const gatewayManifest = registry.find((m) => m.kind === 'gateway');
  if (!gatewayManifest) throw new Error('no gateway in the registry');
  const portOf = async (m: ServiceManifest) => opts.ports?.[m.name] || (opts.freePorts ? await freePort() : m.port);

  const databases: Record<string, ServiceDatabase> = {};
  for (const d of await Promise.all(chosen.map((m) => provisionAndMigrate(m, opts)))) databases[d.name] = d;

  const common: Record<string, string> = {
    NODE_ENV: opts.nodeEnv ?? 'development',
    LOG_LEVEL: opts.logLevel ?? 'info',
    JWKS_FILE: opts.jwksFile,
    KAFKA_BROKERS: opts.kafkaBrokers,
    ...(opts.topicPrefix ? { KAFKA_TOPIC_PREFIX: opts.topicPrefix } : {}),
    ...opts.env,
  };
  const services: Record<string, ManagedProcess> = {};
  for (const m of chosen) {
    const env = { ...common, DATABASE_URL: databases[m.name]!.appUrl, ...opts.processEnv?.[m.name] };
    services[m.name] = manageProcess(m.name, `${m.dir}/src/main.ts`, await portOf(m), env, opts.onLine);
  }
  // Subgraphs not started are routed to a closed port: their fields answer SERVICE_UNAVAILABLE.
  const closed = await freePort();
  const routes = Object.fromEntries(all.map((m) => [`SUBGRAPH_${envName(m.name)}_URL`, `http://127.0.0.1:${services[m.name]?.port ?? closed}/graphql`]));
  const gateway = manageProcess('gateway', `${gatewayManifest.dir}/src/main.ts`, await portOf(gatewayManifest), { ...common, ...routes, ...opts.processEnv?.gateway }, opts.onLine);

  const stop = async () => {
    await gateway.stop().catch(() => undefined);
    await Promise.all(Object.values(services).map((s) => s.stop().catch(() => undefined)));
  };
  try {
    await Promise.all(Object.values(services).map((s) => s.start()));
    await gateway.start();
  } catch (err) {
    await Promise.all([gateway, ...Object.values(services)].map((p) => p.kill9().catch(() => undefined)));
    throw err;
  }
  return { gatewayUrl: `${gateway.baseUrl}/graphql`, gateway, services, databases, stop };
}
