import type { z } from 'zod';
import { createTokenVerifier } from './auth';
import { loadConfig, type BaseConfig } from './config';
import { migrate } from './db';
import { defaultSchemasDir, EventRegistry } from './event-registry';
import { createLogger } from './logger';
import { startService, type ServiceDefinition } from './server';
import { createTransport } from './transport/create-transport';

/**
 * The distributed-mode composition root shared by every service's `main.ts`:
 * `main migrate` applies migrations (the Helm hook Job); `main` serves until SIGTERM/SIGINT.
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
