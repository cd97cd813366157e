import type { z } from 'zod';
import { createTokenVerifier } from './auth';
import { FEATURE_FLAGS, loadConfig, type BaseConfig, type FeatureFlag } from './config';
import { createDataSource, migrate } from './db';
import { setTenantFeatureFlag, type SetTenantFeatureFlag } from './tenant-flags';
import { defaultSchemasDir, EventRegistry } from './event-registry';
import { createLogger, logProcessWarnings } from './logger';
import { startService, type ServiceDefinition } from './server';
import { createTransport } from './transport/create-transport';

/**
 * The distributed-mode composition root shared by every service's `main.ts`:
 * `main migrate` applies migrations (the Helm hook Job); `main flag <FLAG> <tenant> on|off|clear
 * --actor <name>` sets a tenant's own setting of a feature flag (pilot rollout, audited);
 * `main` serves until SIGTERM/SIGINT.
 */
export async function runServiceMain<S extends z.ZodType<BaseConfig>>(def: ServiceDefinition, schema: S, argv = process.argv): Promise<void> {
  try {
    await run(def, schema, argv);
  } catch (err) {
    // One JSON line, like every other log line, then a non-zero exit for the orchestrator.
    createLogger(def.name).fatal({ err }, `${def.name} failed to start`);
    process.exit(1);
  }
}

async function run<S extends z.ZodType<BaseConfig>>(def: ServiceDefinition, schema: S, argv: string[]): Promise<void> {
  const config = loadConfig(schema);
  const log = createLogger(def.name, config.LOG_LEVEL);
  logProcessWarnings(log);
  if (argv[2] === 'flag') {
    const cmd = parseFlagCommand(argv.slice(3));
    const ds = createDataSource({ url: config.DATABASE_URL, entities: [], migrations: [], applicationName: `${def.name}-flag` });
    await ds.initialize();
    try {
      const change = await setTenantFeatureFlag(ds, cmd);
      log.info({ tenantId: cmd.tenantId, flag: cmd.flag, actor: cmd.actor, ...change }, 'tenant feature flag set (takes effect within TENANT_FLAGS_CACHE_MS)');
    } finally {
      await ds.destroy();
    }
    return;
  }
  if (argv[2] === 'migrate') {
    const ran = await migrate(config.DATABASE_MIGRATION_URL ?? config.DATABASE_URL, def.migrations);
    log.info({ ran }, 'migrations applied');
    return;
  }
  const transport = createTransport({ kafkaBrokers: config.KAFKA_BROKERS, topicPrefix: config.KAFKA_TOPIC_PREFIX, clientId: def.name, log });
  const registry = EventRegistry.fromDirectory(`${defaultSchemasDir()}/events`);
  const verifyToken = createTokenVerifier({ jwksUrl: config.JWKS_URL, jwksFile: config.JWKS_FILE, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, maxLifetimeSeconds: config.JWT_MAX_LIFETIME_SECONDS });
  const svc = await startService(def, { config, transport, registry, verifyToken, log });
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await svc.stop();
    await transport.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

const FLAG_USAGE = 'usage: main flag <FLAG> <tenant-id> on|off|clear --actor <name>';

/** Parses `flag <FLAG> <tenant> on|off|clear --actor <name>` (after `flag`); throws naming every problem. */
export function parseFlagCommand(args: string[]): SetTenantFeatureFlag {
  const actorAt = args.indexOf('--actor');
  const actor = actorAt >= 0 ? (args[actorAt + 1] ?? '') : '';
  const [flag, tenantId, value] = args.filter((_, i) => actorAt < 0 || (i !== actorAt && i !== actorAt + 1));
  const problems: string[] = [];
  if (!flag || !(FEATURE_FLAGS as readonly string[]).includes(flag)) problems.push(`flag: one of ${FEATURE_FLAGS.join(', ')}`);
  if (!tenantId || !/^[A-Za-z0-9_-]{1,64}$/.test(tenantId)) problems.push('tenant: 1-64 of [A-Za-z0-9_-]');
  if (!value || !['on', 'off', 'clear'].includes(value)) problems.push('value: on, off or clear');
  if (!actor.trim()) problems.push('--actor: who makes the change (kept in the audit trail)');
  if (problems.length) throw new Error(`${problems.join('; ')}\n${FLAG_USAGE}`);
  return { flag: flag as FeatureFlag, tenantId: tenantId!, enabled: value === 'clear' ? null : value === 'on', actor };
}
