import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { trace } from '@opentelemetry/api';
import express from 'express';
import { createLogger, createMetrics, drainOptionsFromEnv, formatError, HttpDrain, mountHttpMetrics, requestScope, requestScopeMiddleware, type Logger, type Principal, type TokenVerifier } from '@commonhold/kit';
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
  /**
   * Plain-HTTP routes the gateway passes through to a subgraph unchanged (bytes, status, headers):
   * payment-provider webhooks sign their raw bodies, large CSV uploads are not GraphQL. Default:
   * `/webhooks` and `/imports` → fundraising.
   */
  passthrough?: { prefix: string; subgraph: string }[];
}

export const DEFAULT_PASSTHROUGH = [
  { prefix: '/webhooks', subgraph: 'fundraising' },
  { prefix: '/imports', subgraph: 'fundraising' },
];

/** Hop-by-hop headers a proxy must not forward (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

/** Each subgraph's routing URL as composed into the supergraph (`@join__graph(name:, url:)`). */
export function supergraphUrls(supergraphSdl: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)) out[m[1]!] = m[2]!;
  return out;
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
 * The gateway's subgraph fetcher: `node:http`/`node:https` with keep-alive agents (a pool of
 * connections per subgraph origin) returning a WHATWG `Response` — measurably cheaper per request
 * than Node's global fetch (undici + WHATWG streams; docs/performance.md). A subgraph's non-2xx
 * reply carrying a GraphQL `errors` body (a variable failing its scalar's coercion → 400, a
 * disabled feature raised while building context → 500) is passed on as the GraphQL response it
 * is (status 200), so its typed error and field reach the client instead of an opaque downstream
 * failure. Takes what @apollo/gateway passes: a URL, method, headers, a string body, a signal.
 */
export const subgraphFetch: typeof fetch = (() => {
  // Up to 64 concurrent requests per subgraph origin per gateway process; more wait for a socket.
  const agentOpts = { keepAlive: true, maxSockets: 64, maxFreeSockets: 64 };
  const agents = { http: new http.Agent(agentOpts), https: new https.Agent(agentOpts) };
  const headerRecord = (h: RequestInit['headers']): Record<string, string> =>
    !h ? {} : h instanceof Headers ? Object.fromEntries(h) : Array.isArray(h) ? Object.fromEntries(h as [string, string][]) : (h as Record<string, string>);

  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : new URL(input.url);
      const body = init?.body;
      if (body != null && typeof body !== 'string' && !(body instanceof Uint8Array)) return reject(new TypeError('subgraphFetch: only string or byte bodies'));
      const signal = init?.signal;
      if (signal?.aborted) return reject(signal.reason);
      const headers: Record<string, string | number> = { ...headerRecord(init?.headers) };
      if (body != null) headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
      const secure = url.protocol === 'https:';
      const req = (secure ? https : http).request(
        {
          agent: secure ? agents.https : agents.http,
          hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method: init?.method ?? 'GET',
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('close', () => {
            if (!res.complete) reject(new Error(`subgraph response from ${url.host} ended early`));
          });
          res.on('end', () => {
            try {
              let status = res.statusCode ?? 502;
              const h = new Headers();
              for (let i = 0; i < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
              const buf = Buffer.concat(chunks);
              if ((status < 200 || status > 299) && h.get('content-type')?.includes('json')) {
                try {
                  const parsed = JSON.parse(buf.toString('utf8')) as { errors?: unknown };
                  if (Array.isArray(parsed.errors) && parsed.errors.length) status = 200;
                } catch {
                  // not JSON after all: keep the original status
                }
              }
              const nullBody = status === 204 || status === 205 || status === 304;
              const response = new Response(nullBody ? null : buf, { status, statusText: status === res.statusCode ? (res.statusMessage ?? '') : '', headers: h });
              Object.defineProperty(response, 'url', { value: url.href }); // as fetch sets it (Apollo puts it in error extensions)
              resolve(response);
            } catch (err) {
              reject(err); // e.g. a status `Response` refuses (outside 200-599)
            }
          });
        },
      );
      // Like undici's default headers/body timeouts: a subgraph silent for 5 minutes fails the call.
      req.setTimeout(300_000, () => req.destroy(new Error(`subgraph ${url.host} timed out`)));
      req.on('error', reject);
      if (signal) {
        const onAbort = () => req.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        signal.addEventListener('abort', onAbort, { once: true });
        req.on('close', () => signal.removeEventListener('abort', onAbort));
      }
      req.end(body ?? undefined);
    });
})();

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
  const drain = new HttpDrain(httpServer, drainOptionsFromEnv(process.env, opts.production)); // SIGTERM: see stop()
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
    const ok = ready && !drain.draining;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready' });
  });
  const urls = { ...supergraphUrls(opts.supergraphSdl), ...opts.subgraphUrls };
  for (const route of opts.passthrough ?? DEFAULT_PASSTHROUGH) {
    const target = urls[route.subgraph];
    if (!target) throw new Error(`passthrough ${route.prefix}: no subgraph ${route.subgraph}`);
    const base = new URL(target);
    app.use(route.prefix, requestScopeMiddleware(`gateway ${route.prefix}`), async (req, res) => {
      try {
        await rateLimits.consumeIp(req.ip ?? 'unknown', res);
      } catch (err) {
        const status = (err as { extensions?: { http?: { status?: number } } }).extensions?.http?.status ?? 429;
        res.status(status).json({ errors: [{ message: (err as Error).message, extensions: { code: 'RATE_LIMITED' } }] });
        return;
      }
      const headers: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
      headers['x-request-id'] = requestScope.getStore()?.requestId ?? randomUUID();
      headers['x-forwarded-for'] = req.ip ?? '';
      const upstream = (base.protocol === 'https:' ? https : http).request(
        { protocol: base.protocol, hostname: base.hostname, port: base.port, method: req.method, path: req.originalUrl, headers, timeout: 30_000 },
        (up) => {
          const out: http.OutgoingHttpHeaders = {};
          for (const [k, v] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
          res.writeHead(up.statusCode ?? 502, out);
          up.pipe(res);
        },
      );
      upstream.on('timeout', () => upstream.destroy(new Error('upstream timeout')));
      upstream.on('error', (err) => {
        log.warn({ err, route: route.prefix }, 'passthrough upstream failed');
        if (!res.headersSent) res.status(502).json({ errors: [{ message: 'Upstream unavailable', extensions: { code: 'INTERNAL' } }] });
        else res.destroy();
      });
      req.pipe(upstream);
    });
  }

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
      await drain.drain(); // /ready 503, grace period, in-flight requests finish, keep-alive sockets close
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
