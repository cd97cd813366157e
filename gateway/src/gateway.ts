// The gateway's wiring: Apollo gateway, Express, limits, rate limits, passthroughs. The rules it
// applies (labels, URLs, trace context, defaults) are pure functions in rules.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { trace } from '@opentelemetry/api';
import express from 'express';
import { GraphQLScalarType } from 'graphql';
import { Counter } from 'prom-client';
import {
  createLogger,
  createMetrics,
  tokenRejectionOf,
  drainOptionsFromEnv,
  formatError,
  HttpDrain,
  graphqlHttpStatusPlugin,
  httpErrorHandler,
  inputHygienePlugin,
  jsonBody,
  mountHttpMetrics,
  parseCorsOrigins,
  requestScope,
  requestScopeMiddleware,
  SafeIntScalar,
  securityMiddleware,
  type Logger,
  type TokenVerifier,
} from '@commonhold/kit';
import { mountPassthrough } from './passthrough';
import { createRateLimits, type RateLimitOptions, type RateLimits } from './rate-limit';
import { DEFAULT_LIMITS, DEFAULT_PASSTHROUGH, operationLabel, supergraphUrls, traceparentFor, type GatewayLimits } from './rules';
import { assertApolloInternals, ForwardingDataSource, type GatewayContext } from './data-source';
import { dedupingFetch } from './dedupe';
import { subgraphFetch, type SubgraphSend } from './subgraph-fetch';
import { reportUnavailable, unavailableStatusPlugin } from './unavailable';

export { DEFAULT_PASSTHROUGH, HOP_BY_HOP, operationLabel, supergraphUrls, type GatewayLimits } from './rules';
export { dedupingFetch, dedupeKey } from './dedupe';
export { subgraphFetch, SubgraphReply, type SubgraphSend } from './subgraph-fetch';
export { assertApolloInternals } from './data-source';

export type { GatewayContext } from './data-source';

export interface GatewayOptions {
  port: number;
  host?: string;
  supergraphSdl: string;
  /** Override the routing URL composed into the supergraph, per subgraph name (from env/config). */
  subgraphUrls?: Record<string, string>;
  verifyToken: TokenVerifier;
  production: boolean;
  limits?: Partial<GatewayLimits>;
  rateLimit?: RateLimitOptions;
  log?: Logger;
  /**
   * Plain-HTTP routes the gateway passes through to a subgraph unchanged (bytes, status, headers):
   * payment-provider webhooks sign their raw bodies, large CSV uploads are not GraphQL. Default:
   * what the subgraphs declare in their service.json (`/webhooks` and `/imports` → fundraising).
   */
  passthrough?: { prefix: string; subgraph: string }[];
  /** Browser origins allowed by CORS (`CORS_ORIGINS`); default `http://localhost:*` outside production, none in it. */
  corsOrigins?: string[];
  /** Proxies whose forwarded headers are believed (`TRUST_PROXY`: hop count or address list); default none. */
  trustProxy?: false | number | string[];
  /** When set, GET /metrics requires this bearer token (`METRICS_TOKEN`). */
  metricsToken?: string;
  /**
   * Identical concurrent subgraph queries (same subgraph, operation, variables, forwarded headers)
   * share one upstream request (dedupe.ts; `DEDUPE_SUBGRAPH_FETCHES`). Default on; mutations never.
   */
  dedupeSubgraphFetches?: boolean;
}

export interface RunningGateway {
  url: string;
  port: number;
  rateLimits: RateLimits;
  /** Subgraph fetches others are waiting on right now (0 when idle: deduplication keeps nothing). */
  inflightSubgraphFetches(): number;
  stop(): Promise<void>;
}

/**
 * The supergraph names custom scalars only; the gateway coerces the ones the kit defines (SafeInt)
 * itself, so a mistyped variable is a 400 at the edge instead of a subgraph's error relayed as 200.
 */
function kitScalarsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema }) {
          const t = apiSchema.getType('SafeInt');
          if (t instanceof GraphQLScalarType) Object.assign(t, { parseValue: SafeIntScalar.parseValue, parseLiteral: SafeIntScalar.parseLiteral, serialize: SafeIntScalar.serialize });
        },
      };
    },
  };
}

/** Labels each operation's duration and outcome, like the subgraphs do (bounded labels: rules.operationLabel). */
function metricsPlugin(metrics: ReturnType<typeof createMetrics>): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(rc) {
          const body = rc.response.body;
          const failed = !!rc.errors?.length || (body.kind === 'single' && !!body.singleResult.errors?.length);
          metrics.graphqlOperationDuration.observe({ operation: operationLabel(rc.operation), outcome: failed ? 'error' : 'success' }, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}

/** The one GraphQL endpoint frontends call: a static supergraph routed by @apollo/gateway. */
export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const log = opts.log ?? createLogger('gateway');
  const metrics = createMetrics('gateway');
  const limits: GatewayLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const rateLimited = new Counter({
    name: 'rate_limited_requests_total',
    help: 'Requests refused with 429 by an abuse limit, by route (budget: address|tenant|user|webhook)',
    labelNames: ['route'],
    registers: [metrics.registry],
  });
  for (const b of ['address', 'tenant', 'user', 'webhook']) rateLimited.inc({ route: `gateway:${b}` }, 0);
  const rateLimits = createRateLimits({ ...opts.rateLimit, onLimited: (what) => rateLimited.inc({ route: `gateway:${what}` }) });
  const deduplicated = new Counter({
    name: 'subgraph_fetches_deduplicated_total',
    help: 'Subgraph fetches answered by an identical fetch already in flight (not sent upstream), by subgraph',
    labelNames: ['subgraph'],
    registers: [metrics.registry],
  });
  const dedupers: ReturnType<typeof dedupingFetch>[] = [];
  // The lean send path stands in for a piece of @apollo/gateway: refuse to start if it changed.
  assertApolloInternals();
  const fetcherFor = (name: string): SubgraphSend => {
    if (opts.dedupeSubgraphFetches === false) return subgraphFetch;
    const d = dedupingFetch(subgraphFetch, () => deduplicated.inc({ subgraph: name }));
    dedupers.push(d);
    return d.fetch;
  };
  const gateway = new ApolloGateway({
    supergraphSdl: opts.supergraphSdl,
    buildService: ({ name, url }) =>
      reportUnavailable(new ForwardingDataSource({ url: opts.subgraphUrls?.[name] ?? url, send: fetcherFor(name) }), name, (err) => log.warn({ err, subgraph: name }, 'subgraph unreachable')),
  });
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    costLimit: { maxCost: limits.maxCost },
    maxAliases: { n: limits.maxAliases },
    // graphql-armor's Apollo token plugin re-parses in parsingDidStart and throws, so every syntax
    // error became HTTP 500; graphql-js counts tokens in the real parse (parseOptions below): 400.
    maxTokens: { enabled: false },
    maxDirectives: { n: 50 },
    blockFieldSuggestion: { enabled: opts.production },
  });
  const protection = armor.protect();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', opts.trustProxy ?? false);
  // A GraphQL POST answer is never revalidated: no SHA-1 of every response body for an ETag.
  app.set('etag', false);
  app.use(...securityMiddleware({ corsOrigins: opts.corsOrigins ?? parseCorsOrigins(undefined, opts.production), production: opts.production }));
  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = 65_000;
  const drain = new HttpDrain(httpServer, drainOptionsFromEnv(process.env, opts.production)); // SIGTERM: see stop()
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // The process owns SIGTERM (drain → consumers → outbox → pools); Apollo's own handler would
    // re-kill the process mid-drain outside NODE_ENV=test.
    stopOnTerminationSignals: false,
    introspection: !opts.production,
    ...protection,
    parseOptions: { maxTokens: limits.maxTokens },
    includeStacktraceInErrorResponses: false,
    plugins: [
      ...protection.plugins,
      ApolloServerPluginDrainHttpServer({ httpServer }),
      metricsPlugin(metrics),
      graphqlHttpStatusPlugin(),
      unavailableStatusPlugin(),
      kitScalarsPlugin(),
      inputHygienePlugin<GatewayContext>(opts.production),
      ...(opts.production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
    formatError: (formatted, error) => {
      const out = formatError(formatted, error);
      if (out.extensions?.code === 'INTERNAL') log.error({ err: error }, 'gateway error');
      return out;
    },
  });
  await apollo.start();

  let ready = true;
  mountHttpMetrics(app, metrics, { token: opts.metricsToken });
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  app.get('/ready', (_req, res) => {
    const ok = ready && !drain.draining;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready' });
  });
  const urls = { ...supergraphUrls(opts.supergraphSdl), ...opts.subgraphUrls };
  for (const route of opts.passthrough ?? DEFAULT_PASSTHROUGH) {
    const target = urls[route.subgraph];
    if (!target) throw new Error(`passthrough ${route.prefix}: no subgraph ${route.subgraph}`);
    mountPassthrough(app, route, target, rateLimits, log);
  }

  app.use(
    '/graphql',
    jsonBody('1mb'),
    requestScopeMiddleware('gateway graphql', { trustRequestId: false }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = requestScope.getStore()?.requestId ?? randomUUID();
        // Per-IP first, so floods of bad tokens are limited before any signature work.
        await rateLimits.consumeIp(req.ip ?? 'unknown', res);
        const authorization = req.headers.authorization ?? '';
        const principal = await opts.verifyToken(authorization).catch((err: unknown) => {
          const reason = tokenRejectionOf(err);
          if (reason) metrics.tokenRejections.inc({ reason });
          throw err;
        });
        // One user cannot spend the whole tenant's budget: the user's own (smaller) budget first.
        await rateLimits.consumeUser(`${principal.tenantId}:${principal.userId}`, res);
        await rateLimits.consumeTenant(principal.tenantId, res);
        const span = trace.getActiveSpan()?.spanContext();
        return { principal, authorization, requestId, traceparent: traceparentFor(span, req.headers.traceparent, (n) => randomBytes(n).toString('hex')) };
      },
    }),
  );
  app.use(httpErrorHandler(log));

  await new Promise<void>((resolve) => httpServer.listen(opts.port, opts.host ?? '0.0.0.0', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  log.info({ port }, 'gateway listening');
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    rateLimits,
    inflightSubgraphFetches: () => dedupers.reduce((n, d) => n + d.inflight(), 0),
    stop: async () => {
      ready = false;
      await drain.drain(); // /ready 503, grace period, in-flight requests finish, keep-alive sockets close
      await apollo.stop();
      await rateLimits.close();
    },
  };
}

