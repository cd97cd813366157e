import { DataSource, type EntityManager, type EntitySchema, type MixedList } from 'typeorm';
import { Client, types } from 'pg';
import { GLOBAL_SCOPE, scopeSettings, type AccessScope } from './scope';

// `date` columns stay `YYYY-MM-DD` strings: pg would otherwise build a Date at local midnight.
types.setTypeParser(types.builtins.DATE, (v: string) => v);
import { withKitMigrations } from './kit-reliability.migration';
import { requestScope } from './request-context';

export interface ServiceDataSourceOptions {
  url: string;
  entities: MixedList<EntitySchema | Function>;
  migrations: MixedList<Function>;
  poolSize?: number;
  applicationName?: string;
}

/** A TypeORM data source that only ever migrates (never `synchronize`). */
export function createDataSource(opts: ServiceDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    entities: opts.entities,
    migrations: withKitMigrations(opts.migrations),
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    applicationName: opts.applicationName,
    poolSize: opts.poolSize ?? 10,
    extra: { connectionTimeoutMillis: 5000 },
  });
}

/**
 * A `pg` client without an `'error'` listener turns a terminated backend into an unhandled
 * `'error'` event that kills the process. Every client the kit opens itself gets this one; TypeORM
 * listens on its own pool and checked-out clients. The failing query still rejects normally.
 */
export function onConnectionError(client: Client, what: string, log?: { warn(obj: object, msg: string): void }): Client {
  client.on('error', (err) => (log ? log.warn({ err }, `${what}: connection lost`) : process.emitWarning(`${what}: connection lost: ${err.message}`)));
  return client;
}

/**
 * True for errors that mean "the database connection is gone or refused", not "this transaction
 * is wrong": the work should be retried later, not given up on (or dead-lettered).
 */
export function isConnectionError(err: unknown): boolean {
  const code = sqlState(err) ?? '';
  if (/^08/.test(code) || ['57P01', '57P02', '57P03', '53300', '53400'].includes(code)) return true;
  const msg = `${(err as { message?: string })?.message ?? ''} ${(err as { driverError?: { message?: string } })?.driverError?.message ?? ''}`;
  return /Connection terminated|connection timeout|ECONNREFUSED|ECONNRESET|EPIPE|Client has encountered a connection error|terminating connection|the database system is (starting up|shutting down)|Cannot use a pool after calling end|timeout exceeded when trying to connect/i.test(msg);
}

/** PostgreSQL's "try the whole transaction again" errors: deadlock detected, serialization failure. */
const RETRYABLE = new Set(['40P01', '40001']);
const sqlState = (err: unknown): string | undefined =>
  (err as { driverError?: { code?: string } })?.driverError?.code ?? (err as { code?: string })?.code;

/**
 * Runs `fn` in one transaction whose `app.tenant_id` (and the caller's scope, `app.scope*`, see
 * scope.ts) is set, so row-level security hides every other tenant's rows, and rows outside the
 * caller's buildings/apartments/vendor, even if a query forgets its filter. A transaction PostgreSQL aborts as a
 * deadlock victim or a serialization failure is run again from the start (up to `attempts` times,
 * with a short random pause): everything it did was rolled back, so the retry is safe, and the
 * caller sees an answer instead of an internal error. `fn` must keep side effects inside the
 * transaction (or idempotent), as every use here does.
 */
export async function withTenant<T>(ds: DataSource, who: string | { tenantId: string; scope: AccessScope }, fn: (m: EntityManager) => Promise<T>, attempts = 4): Promise<T> {
  const tenantId = typeof who === 'string' ? who : who.tenantId;
  if (!tenantId) throw new Error('withTenant needs a tenant id');
  // A bare tenant id is the platform acting for the tenant (consumers, jobs): global scope.
  const s = scopeSettings(typeof who === 'string' ? GLOBAL_SCOPE : who.scope);
  for (let attempt = 1; ; attempt++) {
    try {
      return await ds.transaction(async (m) => {
        await m.query(
          `SELECT set_config('app.tenant_id', $1, true), set_config('app.scope', $2, true), set_config('app.scope_buildings', $3, true),
                  set_config('app.scope_apartments', $4, true), set_config('app.scope_vendors', $5, true)`,
          [tenantId, s['app.scope'], s['app.scope_buildings'], s['app.scope_apartments'], s['app.scope_vendors']],
        );
        const scope = requestScope.getStore();
        if (scope) scope.tenantId = tenantId;
        return fn(m);
      });
    } catch (err) {
      if (attempt >= attempts || !RETRYABLE.has(sqlState(err) ?? '')) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
    }
  }
}

/** SQL that makes `table` tenant-owned: RLS enabled and forced, with a policy on `tenant_id`. */
export function tenantRlsSql(table: string, extraUsing?: string): string[] {
  const match = `tenant_id = current_setting('app.tenant_id', true)`;
  const using = extraUsing ? `(${match} OR ${extraUsing})` : match;
  return [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY ${table}_tenant_isolation ON ${table} USING ${using.startsWith('(') ? using : `(${using})`} WITH CHECK (${match})`,
  ];
}

export interface ProvisionOptions {
  /** A superuser/owner connection to the cluster (any database). */
  adminUrl: string;
  database: string;
  appRole: string;
  appPassword: string;
}

const ident = (s: string) => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(s)) throw new Error(`Unsafe SQL identifier: ${s}`);
  return s;
};

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Creates the service database and its non-owner login role (no BYPASSRLS) if missing, and grants
 * it data access on what migrations (run as the owner) create. Returns the app's connection URL.
 */
export async function provisionDatabase(opts: ProvisionOptions): Promise<{ appUrl: string; ownerUrl: string }> {
  const db = ident(opts.database);
  const role = ident(opts.appRole);
  const admin = onConnectionError(new Client({ connectionString: opts.adminUrl, application_name: 'provision' }), 'provision');
  await admin.connect();
  try {
    // Serialise concurrent provisioners (parallel test workers) on one cluster-wide lock.
    await admin.query(`SELECT pg_advisory_lock(hashtext('commonhold.provision'))`);
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [db]);
    if (!exists.rowCount) await admin.query(`CREATE DATABASE ${db}`);
    const roleExists = await admin.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role]);
    const pw = opts.appPassword.replace(/'/g, "''");
    if (!roleExists.rowCount) await admin.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD '${pw}'`);
    else await admin.query(`ALTER ROLE ${role} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '${pw}'`);
    await admin.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
    await admin.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${role}`);
    await admin.query(`SELECT pg_advisory_unlock(hashtext('commonhold.provision'))`);
  } finally {
    await admin.end();
  }
  const ownerUrl = withDatabase(opts.adminUrl, db);
  const owner = onConnectionError(new Client({ connectionString: ownerUrl, application_name: 'provision' }), 'provision');
  await owner.connect();
  try {
    await owner.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await owner.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await owner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`);
    await owner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${role}`);
    await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
    await owner.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
  } finally {
    await owner.end();
  }
  const app = new URL(ownerUrl);
  app.username = role;
  app.password = opts.appPassword;
  return { appUrl: app.toString(), ownerUrl };
}

/** Applies pending migrations as the owner; the app itself never holds DDL rights. */
export async function migrate(ownerUrl: string, migrations: MixedList<Function>): Promise<string[]> {
  const ds = createDataSource({ url: ownerUrl, entities: [], migrations, poolSize: 1, applicationName: 'migrate' });
  await ds.initialize();
  try {
    const ran = await ds.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

/** True when every migration the service knows about has been applied (part of `/ready`). */
export async function migrationsApplied(ds: DataSource): Promise<boolean> {
  return !(await ds.showMigrations());
}
