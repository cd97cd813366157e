import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { trace } from '@opentelemetry/api';
import express from 'express';
import { createLogger, createMetrics, formatError, mountHttpMetrics, requestScope, requestScopeMiddleware, type Logger, type Principal, type TokenVerifier } from '@commonhold/kit';
import { createRateLimits, type RateLimitOptions, type RateLimits } from './rate-limit';

export interface GatewayContext {
  principal: Principal;
  authorization: string;
  requestId: string;
  traceparent: string;
}

export interface GatewayLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxTokens: number;
}

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
}

export interface RunningGateway {
  url: string;
  port: number;
  rateLimits: RateLimits;
  stop(): Promise<void>;
}


/** Forwards the caller's identity, request id and W3C trace context to every subgraph fetch. */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!('authorization' in context)) return; // the gateway's own health/introspection calls
    request.http?.headers.set('authorization', context.authorization);
    request.http?.headers.set('x-request-id', context.requestId);
    request.http?.headers.set('traceparent', context.traceparent);
  }
}

/**
 * Node's fetch (undici pools keep-alive connections per subgraph origin), except that a subgraph's
 * non-2xx reply carrying a GraphQL `errors` body (a variable failing its scalar's coercion → 400,
 * a disabled feature raised while building context → 500) is passed on as the GraphQL response it
 * is, so its typed error and field reach the client instead of an opaque downstream failure.
 */
export const subgraphFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  if (res.ok || !res.headers.get('content-type')?.includes('json')) return res;
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(body.errors) && body.errors.length) return new Response(text, { status: 200, headers: res.headers });
  } catch {
    // not JSON after all: fall through with the original status
  }
  return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
};

/** Labels each operation's duration and outcome, like the subgraphs do. */
function metricsPlugin(metrics: ReturnType<typeof createMetrics>): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(rc) {
          const body = rc.response.body;
          const failed = !!rc.errors?.length || (body.kind === 'single' && !!body.singleResult.errors?.length);
          metrics.graphqlOperationDuration.observe({ operation: rc.operationName ?? 'anonymous', outcome: failed ? 'error' : 'success' }, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}

/** The one GraphQL endpoint frontends call: a static supergraph routed by @apollo/gateway. */
export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const log = opts.log ?? createLogger('gateway');
  const metrics = createMetrics('gateway');
  const limits: GatewayLimits = { maxDepth: 12, maxCost: 5000, maxAliases: 15, maxTokens: 3000, ...opts.limits };
  const rateLimits = createRateLimits(opts.rateLimit ?? {});
  const gateway = new ApolloGateway({
    supergraphSdl: opts.supergraphSdl,
    buildService: ({ name, url }) =>
      new ForwardingDataSource({ url: opts.subgraphUrls?.[name] ?? url, fetcher: subgraphFetch as never }),
  });
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    costLimit: { maxCost: limits.maxCost },
    maxAliases: { n: limits.maxAliases },
    maxTokens: { n: limits.maxTokens },
    maxDirectives: { n: 50 },
    blockFieldSuggestion: { enabled: opts.production },
  });
  const protection = armor.protect();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = 65_000;
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // The process owns SIGTERM (drain → consumers → outbox → pools); Apollo's own handler would
    // re-kill the process mid-drain outside NODE_ENV=test.
    stopOnTerminationSignals: false,
    introspection: !opts.production,
    ...protection,
    includeStacktraceInErrorResponses: false,
    plugins: [...protection.plugins, ApolloServerPluginDrainHttpServer({ httpServer }), metricsPlugin(metrics), ...(opts.production ? [ApolloServerPluginLandingPageDisabled()] : [])],
    formatError: (formatted, error) => {
      const out = formatError(formatted, error);
      if (out.extensions?.code === 'INTERNAL') log.error({ err: error }, 'gateway error');
      return out;
    },
  });
  await apollo.start();

  let ready = true;
  mountHttpMetrics(app, metrics);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  app.get('/ready', (_req, res) => {
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready' });
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    requestScopeMiddleware('gateway graphql'),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = requestScope.getStore()?.requestId ?? randomUUID();
        // Per-IP first, so floods of bad tokens are limited before any signature work.
        await rateLimits.consumeIp(req.ip ?? 'unknown', res);
        const authorization = req.headers.authorization ?? '';
        const principal = await opts.verifyToken(authorization);
        await rateLimits.consumeTenant(principal.tenantId, res);
        return { principal, authorization, requestId, traceparent: traceparentOf(req.headers.traceparent) };
      },
    }),
  );
  await new Promise<void>((resolve) => httpServer.listen(opts.port, opts.host ?? '0.0.0.0', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  log.info({ port }, 'gateway listening');
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    rateLimits,
    stop: async () => {
      ready = false;
      await apollo.stop();
      await rateLimits.close();
    },
  };

  /** The active span's W3C traceparent; a fresh one when no context manager tracks spans. */
  function traceparentOf(incoming: string | string[] | undefined): string {
    const span = trace.getActiveSpan()?.spanContext();
    if (span && span.traceId !== '0'.repeat(32)) return `00-${span.traceId}-${span.spanId}-0${span.traceFlags.toString(16)}`;
    const inc = Array.isArray(incoming) ? incoming[0] : incoming;
    const m = /^00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/.exec(inc ?? '');
    const traceId = m?.[1] ?? randomBytes(16).toString('hex');
    return `00-${traceId}-${randomBytes(8).toString('hex')}-${m?.[2] ?? '01'}`;
  }
}
