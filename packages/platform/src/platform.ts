import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGateway, type RunningGateway } from '@commonhold/gateway';
import {
  createLogger,
  createTokenVerifier,
  createTransport,
  defaultSchemasDir,
  EventRegistry,
  loadConfig,
  migrate,
  provisionDatabase,
  startService,
  type Logger,
  type RunningService,
  type TokenVerifier,
  type Transport,
  type VerifierOptions,
} from '@commonhold/kit';
import { startTelemetry } from '@commonhold/kit/src/telemetry';
import { SERVICES } from './services.generated';

export { SERVICES } from './services.generated';

export interface PlatformOptions {
  /** Superuser connection to the PostgreSQL cluster that holds one database per service. */
  adminUrl: string;
  /** Database names are `<prefix><service>`; lets tests run isolated stacks side by side. */
  databasePrefix: string;
  appPassword: string;
  jwksFile: string;
  /** Kafka brokers; unset means the in-process bus shared by all services in this process. */
  kafkaBrokers?: string;
  /** Prefix for Kafka topics and groups (isolates stacks that share a broker). */
  kafkaTopicPrefix?: string;
  redisUrl?: string;
  /** 0 picks free ports (tests); undefined uses each service's default port. */
  basePort?: 0;
  /** Port per service name, overriding the default (e.g. from FUNDRAISING_PORT). */
  ports?: Record<string, number>;
  gatewayPort?: number;
  nodeEnv?: 'development' | 'test' | 'production';
  logLevel?: string;
  /** Extra env for every service (feature flags, retry settings). */
  env?: Record<string, string>;
  /** Extra env for one service by name, over `env` (e.g. identity's login limits). */
  serviceEnv?: Record<string, Record<string, string>>;
  /** Token checks of the gateway and every subgraph (JWKS cache, maximum lifetime). */
  tokens?: Pick<VerifierOptions, 'jwksCacheMaxAgeMs' | 'jwksCooldownMs' | 'maxLifetimeSeconds'>;
  rateLimit?: { tenantPoints?: number; ipPoints?: number; webhookPoints?: number; keyPrefix?: string };
  /**
   * Subgraphs to start (default: every registered one). The gateway still serves the whole
   * supergraph; a subgraph left out is routed to a closed port, so its fields answer an error.
   */
  services?: string[];
}

/** A TCP port nothing listens on (discard, RFC 863): a left-out subgraph refuses at once. */
const CLOSED_URL = 'http://127.0.0.1:9/graphql';

/** A service's database (and role) name: `bulk-ops` → `bulk_ops`, a plain SQL identifier. */
export const dbName = (service: string): string => service.replace(/-/g, '_');

export interface RunningPlatform {
  gateway: RunningGateway;
  services: Record<string, RunningService>;
  transports: Transport[];
  registry: EventRegistry;
  log: Logger;
  stop(): Promise<void>;
}

/**
 * Provisions and migrates each service database, starts every subgraph and the gateway in this
 * process. The embedded default (`npm start`) and the end-to-end tests both run through here.
 */
export async function startPlatform(opts: PlatformOptions): Promise<RunningPlatform> {
  startTelemetry('commonhold', process.env.OTEL_EXPORTER_OTLP_ENDPOINT, false);
  const log = createLogger('platform', opts.logLevel ?? 'info');
  const registry = EventRegistry.fromDirectory(join(defaultSchemasDir(), 'events'));
  // The dev key (npm run token) always verifies; once identity is up, its JWKS does too (JWKS_URL).
  const verifierOpts = { jwksFile: opts.jwksFile, issuer: 'commonhold-identity', audience: 'commonhold', ...opts.tokens };
  let verifier = createTokenVerifier(verifierOpts);
  const verifyToken: TokenVerifier = (authorization) => verifier(authorization);
  // In-process mode: one bus for all services, as one broker would be.
  const shared = opts.kafkaBrokers ? undefined : createTransport({ clientId: 'embedded' });
  const transports: Transport[] = shared ? [shared] : [];

  const unknown = (opts.services ?? []).filter((n) => !SERVICES.some((s) => s.def.name === n));
  if (unknown.length) throw new Error(`Unknown service(s) ${unknown.join(', ')}; registered: ${SERVICES.map((s) => s.def.name).join(', ')}`);
  // identity first: every other service verifies tokens against its JWKS.
  const chosen = (opts.services ? SERVICES.filter((s) => opts.services!.includes(s.def.name)) : [...SERVICES]).sort((a, b) => Number(b.def.name === 'identity') - Number(a.def.name === 'identity'));

  const provisioned = await Promise.all(
    chosen.map(async ({ def }) => {
      const db = await provisionDatabase({ adminUrl: opts.adminUrl, database: `${opts.databasePrefix}${dbName(def.name)}`, appRole: `${opts.databasePrefix}${dbName(def.name)}_app`, appPassword: opts.appPassword });
      await migrate(db.ownerUrl, def.migrations);
      return db;
    }),
  );

  const services: Record<string, RunningService> = {};
  // identity's own URL, once it is up: services that receive signed public links verify and redeem them there.
  let identityUrl: string | undefined;
  try {
    for (const [i, { def, schema, port }] of chosen.entries()) {
      const config = loadConfig(schema, {
        NODE_ENV: opts.nodeEnv ?? 'development',
        LOG_LEVEL: opts.logLevel ?? 'info',
        PORT: String(opts.basePort === 0 ? 0 : (opts.ports?.[def.name] ?? port)),
        DATABASE_URL: provisioned[i]!.appUrl,
        JWKS_FILE: opts.jwksFile,
        ...(opts.kafkaBrokers ? { KAFKA_BROKERS: opts.kafkaBrokers } : {}),
        ...(identityUrl ? { IDENTITY_URL: identityUrl } : {}),
        // identity sits behind the gateway's passthrough on loopback: it believes that one hop's X-Forwarded-For.
        // Services redeeming signed public links (voting's ballot links) call identity once it is up.
        ...(services.identity ? { IDENTITY_URL: services.identity.url.replace(/\/graphql$/, '') } : {}),
        ...(def.name === 'identity' ? { TRUST_PROXY: 'loopback', ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl, REDIS_KEY_PREFIX: `${opts.rateLimit?.keyPrefix ?? 'commonhold'}:identity` } : {}) } : {}),
        ...opts.env,
        ...opts.serviceEnv?.[def.name],
      });
      const transport = shared ?? createTransport({ kafkaBrokers: opts.kafkaBrokers, topicPrefix: opts.kafkaTopicPrefix, clientId: def.name, log });
      if (!shared) transports.push(transport);
      services[def.name] = await startService(def, { config, transport, registry, verifyToken, log: createLogger(def.name, config.LOG_LEVEL), host: '127.0.0.1' });
      if (def.name === 'identity') {
        identityUrl = `http://127.0.0.1:${services[def.name]!.port}`;
        verifier = createTokenVerifier({ ...verifierOpts, jwksUrl: `${identityUrl}/.well-known/jwks.json` });
      }
    }
    const gateway = await startGateway({
      port: opts.gatewayPort ?? 4000,
      host: opts.basePort === 0 ? '127.0.0.1' : undefined,
      supergraphSdl: readFileSync(join(defaultSchemasDir(), 'supergraph.graphql'), 'utf8'),
      subgraphUrls: Object.fromEntries(SERVICES.map(({ def }) => [def.name, services[def.name]?.url ?? CLOSED_URL])),
      verifyToken,
      production: opts.nodeEnv === 'production',
      rateLimit: { redisUrl: opts.redisUrl, ...opts.rateLimit },
      log: createLogger('gateway', opts.logLevel ?? 'info'),
    });
    return {
      gateway,
      services,
      transports,
      registry,
      log,
      stop: async () => {
        await gateway.stop();
        for (const s of Object.values(services)) await s.stop();
        for (const t of transports) await t.close();
      },
    };
  } catch (err) {
    for (const s of Object.values(services)) await s.stop().catch(() => undefined);
    for (const t of transports) await t.close().catch(() => undefined);
    throw err;
  }
}
