import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import express from 'express';
import type { DocumentNode } from 'graphql';
import type { DataSource, EntityManager, EntitySchema, MixedList } from 'typeorm';
import { tokenRejectionOf, type Principal, type TokenVerifier } from './auth';
import type { BaseConfig } from './config';
import { serviceFeatureFlag } from './registry';
import { parsePilotTenants } from './flags';
import { FEATURE_FLAGS, type FeatureFlag } from './config';
import { tenantFlagsFor, type TenantFlags } from './tenant-flags';
import { startConsumer, type ConsumerDefinition } from './consumer';
import { createDataSource, migrationsApplied, withTenant } from './db';
import { accessScope } from './scope';
import { accessCoverage, guardSchema } from './access';
import type { AccessRules } from './module';
import { authorize } from './permissions';
import { AuditChecker, type AuditCheck } from './audit-check';
import { DEV_KEK, parseKeyring, TenantSecrets } from './secrets';
import { formatError } from './errors';
import type { EventRegistry } from './event-registry';
import { createLogger, type Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { OutboxRelay } from './outbox-relay';
import { requestScope } from './request-context';
import { mountAuditGaps, mountHttpMetrics, requestScopeMiddleware } from './http-observability';
import { faultInjection, parseFaultSpec } from './fault-injection';
import { serviceSdlGuard, subgraphProtection } from './subgraph-defence';
import { inputHygienePlugin } from './input-hygiene';
import { graphqlHttpStatusPlugin, httpErrorHandler, jsonBody, parseCorsOrigins, parseTrustProxy, securityMiddleware } from './front-door';
import { HttpDrain } from './http-drain';
import { consumerLagSampler, transportReadiness } from './health';
import type { Subscription, Transport } from './transport/transport';

/** Everything a resolver may touch: who is calling, and a tenant-scoped transaction. */
export interface RequestContext {
  principal: Principal;
  /**
   * The caller's own `Authorization` header, as verified: only for a use case that must act at
   * another service as the same caller, under that service's own checks (vendors asks identity to
   * mint a work-order link with the manager's rights, never with more).
   */
  authorization: string;
  requestId: string;
  log: Logger;
  /** Runs `fn` in a transaction with `app.tenant_id` set to the caller's tenant (RLS). */
  tx<T>(fn: (m: EntityManager) => Promise<T>): Promise<T>;
  /** Whether a feature flag is on for the caller's tenant (pilot rollout: flags.ts); `require` answers FEATURE_DISABLED. */
  feature: { isOn(flag: FeatureFlag): Promise<boolean>; require(flag: FeatureFlag): Promise<void> };
  /** Per-request memo for DataLoaders keyed by name. */
  loader<T>(name: string, make: () => T): T;
  runtime: ServiceRuntime;
}

export interface ServiceRuntime {
  name: string;
  config: BaseConfig;
  ds: DataSource;
  transport: Transport;
  registry: EventRegistry;
  log: Logger;
  metrics: Metrics;
  /** The verifier the subgraph's GraphQL endpoint uses, for extra routes that need a caller's token. */
  verifyToken: TokenVerifier;
  /**
   * For a plain-HTTP route acting for a user: applies the route's declared rule
   * (`permissions.routes['POST /imports']`) to a verified caller; FORBIDDEN otherwise (deny by default).
   */
  authorizeRoute(principal: Principal, route: string): void;
  /** Feature flags per tenant: the tenant's setting, else the environment's pilot list, else its default. */
  flags: TenantFlags;
  /** Seals and opens tenants' secrets at rest (envelope encryption, secrets.ts). */
  secrets: TenantSecrets;
}

/** A subgraph is its name, SDL, resolvers, tables and consumers; the kit does the rest. */
export interface ServiceDefinition {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<RequestContext>;
  /** The permission every operation needs (composed from the modules' `permissions`); enforced by the kit. */
  access: AccessRules;
  entities: MixedList<EntitySchema | Function>;
  migrations: MixedList<Function>;
  consumers?: (rt: ServiceRuntime) => ConsumerDefinition[];
  /**
   * Extra HTTP routes beside /graphql (e.g. payment-provider webhooks). They parse their own
   * bodies (webhooks need the raw bytes to verify a signature) and authenticate their own callers.
   */
  routes?: (app: express.Express, rt: ServiceRuntime) => void | RouteCleanup;
  /** Audit completeness checks of its financial side effects, run on a schedule (audit-check.ts). */
  auditChecks?: AuditCheck[];
}

/** What `routes` may return: released when the service stops (e.g. a limiter's Redis connection). */
export type RouteCleanup = () => Promise<void>;

export interface StartOptions {
  config: BaseConfig;
  transport: Transport;
  registry: EventRegistry;
  verifyToken: TokenVerifier;
  log?: Logger;
  /** Host to bind; defaults to all interfaces. */
  host?: string;
}

export interface RunningService {
  url: string;
  port: number;
  runtime: ServiceRuntime;
  relay: OutboxRelay;
  /** The audit completeness checker (runs on its schedule; `run()` for a pass now). */
  auditChecker: AuditChecker;
  /** Drains requests, stops consumers, flushes the outbox, closes the pool (what SIGTERM does). */
  stop(): Promise<void>;
}


function metricsPlugin(metrics: Metrics): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(rc) {
          const outcome = rc.errors?.length || (rc.response.body.kind === 'single' && rc.response.body.singleResult.errors?.length) ? 'error' : 'success';
          metrics.graphqlOperationDuration.observe(
            { operation: rc.operationName ?? rc.operation?.name?.value ?? 'anonymous', outcome },
            Number(process.hrtime.bigint() - started) / 1e9,
          );
        },
      };
    },
  };
}

/** Boots one subgraph: database, relay, consumers, Apollo subgraph, /health, /ready, /metrics. */
export async function startService(def: ServiceDefinition, opts: StartOptions): Promise<RunningService> {
  const { config, transport, registry } = opts;
  const log = opts.log ?? createLogger(def.name, config.LOG_LEVEL);
  const metrics = createMetrics(def.name);
  const ds = createDataSource({ url: config.DATABASE_URL, entities: def.entities, migrations: def.migrations, applicationName: def.name });
  await ds.initialize();
  if (!transport.isConnected()) await transport.connect();
  if (config.NODE_ENV === 'production' && !config.SECRETS_KEKS) throw new Error('SECRETS_KEKS is required in production (docs/runbooks/secrets.md)');
  const secrets = new TenantSecrets(parseKeyring(config.SECRETS_KEKS ?? DEV_KEK));
  const flags = tenantFlagsFor(ds, config, parsePilotTenants(config.FEATURE_PILOT_TENANTS, FEATURE_FLAGS));
  const runtime: ServiceRuntime = {
    name: def.name,
    config,
    ds,
    transport,
    registry,
    log,
    metrics,
    verifyToken: opts.verifyToken,
    secrets,
    flags,
    authorizeRoute: (principal, route) => authorize(principal, route, def.access.routes[route]),
  };
  // A KEK rotation: data keys move under the first key of SECRETS_KEKS (in the background).
  void secrets
    .rewrapAll(ds)
    .then(async (moved) => {
      if (moved) log.info(`rewrapped ${moved} data key(s) under the current key-encryption key`);
      metrics.secretsOnOldKek.set(await secrets.onOldKek(ds));
    })
    .catch((err) => log.warn({ err }, 'rewrapping data keys failed; old key-encryption keys must stay listed'));

  const relay = new OutboxRelay({ databaseUrl: config.DATABASE_URL, transport, log, metrics, batchSize: config.OUTBOX_BATCH_SIZE, name: def.name });
  await relay.start();
  const subscriptions: Subscription[] = [];
  const consumerDefs = def.consumers?.(runtime) ?? [];
  for (const c of consumerDefs) {
    subscriptions.push(
      await startConsumer(c, { ds, transport, registry, log, metrics, maxAttempts: config.CONSUMER_MAX_ATTEMPTS, backoffMs: config.CONSUMER_BACKOFF_MS }),
    );
  }

  // consumer_lag_messages: sampled, not per message (a broker round trip per group and topic).
  const sampleLag = consumerLagSampler(consumerDefs, transport, metrics, log);
  await sampleLag();
  const lagTimer = setInterval(() => void sampleLag(), config.CONSUMER_LAG_SAMPLE_MS);
  lagTimer.unref();

  const auditChecker = new AuditChecker({ ds, checks: def.auditChecks ?? [], metrics, log });
  const auditTimer =
    config.AUDIT_CHECK_INTERVAL_MS > 0 && def.auditChecks?.length
      ? setInterval(() => auditChecker.run().catch((err) => log.warn({ err }, 'audit check failed')), config.AUDIT_CHECK_INTERVAL_MS)
      : undefined;
  auditTimer?.unref();
  // The "no pass completed" alert measures from here: a scheduled checker starts its clock at boot
  // (services without checks keep 0, which the alert ignores).
  if (auditTimer) metrics.auditCheckLastSuccess.set(Date.now() / 1000);

  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = 65_000;
  const drain = new HttpDrain(httpServer, { graceMs: config.DRAIN_GRACE_MS ?? (config.NODE_ENV === 'production' ? 5000 : 0), timeoutMs: config.DRAIN_TIMEOUT_MS });
  const production = config.NODE_ENV === 'production';
  app.set('trust proxy', parseTrustProxy(config.TRUST_PROXY));
  app.use(...securityMiddleware({ corsOrigins: parseCorsOrigins(config.CORS_ORIGINS, production), production }));
  const protection = subgraphProtection(production);
  // Every root operation and entity type passes its declared rule first (deny by default).
  const schema = guardSchema(buildSubgraphSchema({ typeDefs: def.typeDefs, resolvers: def.resolvers as GraphQLResolverMap<unknown> }), def.access);
  const coverage = accessCoverage(schema, def.access);
  if (coverage.missing.length) log.warn({ operations: coverage.missing }, 'operations without a permission rule are refused to everyone');
  const apollo = new ApolloServer<RequestContext>({
    validationRules: protection.validationRules,
    parseOptions: protection.parseOptions,
    schema,
    // The process owns SIGTERM (drain → consumers → outbox → pools); Apollo's own handler would
    // re-kill the process mid-drain outside NODE_ENV=test.
    stopOnTerminationSignals: false,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => {
      const out = formatError(formatted, error);
      if (out.extensions?.code === 'INTERNAL') log.error({ err: (error as { originalError?: unknown })?.originalError ?? error }, 'unhandled resolver error');
      return out;
    },
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginInlineTraceDisabled(), metricsPlugin(metrics), graphqlHttpStatusPlugin(), ...protection.plugins, serviceSdlGuard<RequestContext>(production), inputHygienePlugin<RequestContext>(production), ...(production ? [ApolloServerPluginLandingPageDisabled()] : [])],
  });
  await apollo.start();

  // A registered subgraph answers FEATURE_DISABLED to every operation when its kill switch is off.
  const serviceFlag = serviceFeatureFlag(def.name);

  let ready = true;
  mountHttpMetrics(app, metrics, { token: config.METRICS_TOKEN });
  mountAuditGaps(app, auditChecker, { token: config.METRICS_TOKEN });
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: def.name });
  });
  app.get('/ready', async (_req, res) => {
    const broker = transportReadiness(transport, config.TRANSPORT_UNREACHABLE_AFTER_MS, metrics);
    const checks: Record<string, boolean> = { accepting: ready && !drain.draining, transport: transport.isConnected() && broker.ok };
    try {
      await ds.query('SELECT 1');
      checks.database = true;
      checks.migrations = await migrationsApplied(ds);
    } catch {
      checks.database = false;
      checks.migrations = false;
    }
    // A broker outage alone degrades (the outbox keeps accepting writes) unless READY_REQUIRES_TRANSPORT.
    const degraded = !checks.transport && config.READY_REQUIRES_TRANSPORT !== 'true';
    const ok = Object.entries(checks).every(([k, v]) => v || (k === 'transport' && degraded));
    res.status(ok ? 200 : 503).json({ status: !ok ? 'not ready' : degraded ? 'degraded' : 'ready', checks, ...(degraded ? { transportUnreachableSeconds: broker.unreachableSeconds } : {}) });
  });

  const routeCleanup = def.routes?.(app, runtime);

  const fault = parseFaultSpec(config.FAULT_INJECTION);
  if (fault && production && config.ALLOW_FAULT_INJECTION !== 'true') throw new Error('FAULT_INJECTION is refused in production without ALLOW_FAULT_INJECTION=true');
  if (fault) log.warn({ fault }, 'FAULT INJECTION ENABLED: this instance misbehaves on purpose (canary drill)');
  app.use(
    '/graphql',
    ...(fault ? [faultInjection(fault)] : []),
    jsonBody('1mb'),
    requestScopeMiddleware(`${def.name} graphql`),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const requestId = requestScope.getStore()?.requestId ?? randomUUID();
        // A subgraph trusts no caller: every operation, `_entities` included, needs a valid token.
        const principal = await opts.verifyToken(req.headers.authorization).catch((err: unknown) => {
          const reason = tokenRejectionOf(err);
          if (reason) metrics.tokenRejections.inc({ reason });
          throw err;
        });
        // The kill switch, per tenant: on for pilot tenants only while the default is off.
        if (serviceFlag) await flags.require(serviceFlag, principal.tenantId);
        const scope = requestScope.getStore();
        if (scope) {
          scope.tenantId = principal.tenantId;
          scope.userId = principal.userId;
        }
        const loaders = new Map<string, unknown>();
        const who = { tenantId: principal.tenantId, scope: accessScope(principal.scope) };
        return {
          principal,
          authorization: req.headers.authorization ?? '',
          requestId,
          log: log.child({ requestId, tenantId: principal.tenantId }),
          tx: (fn) => withTenant(ds, who, fn),
          feature: { isOn: (flag) => flags.isOn(flag, principal.tenantId), require: (flag) => flags.require(flag, principal.tenantId) },
          loader: <T>(name: string, make: () => T) => {
            if (!loaders.has(name)) loaders.set(name, make());
            return loaders.get(name) as T;
          },
          runtime,
        };
      },
    }),
  );

  app.use(httpErrorHandler(log));

  await new Promise<void>((resolve) => httpServer.listen(config.PORT, opts.host ?? '0.0.0.0', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  log.info({ port }, `${def.name} subgraph listening`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      ready = false;
      clearInterval(lagTimer);
      clearInterval(auditTimer);
      await drain.drain(); // /ready 503, grace period, in-flight requests finish, keep-alive sockets close
      await apollo.stop();
      if (routeCleanup) await routeCleanup();
      // Together: each Kafka consumer may wait out its fetch long-poll (up to maxWaitTime) before it leaves.
      await Promise.all(subscriptions.map((s) => s.stop()));
      await relay.stop(); // publishes what is already committed
      await ds.destroy();
      log.info(`${def.name} stopped`);
    })());
  return { url: `http://127.0.0.1:${port}/graphql`, port, runtime, relay, auditChecker, stop };
}
