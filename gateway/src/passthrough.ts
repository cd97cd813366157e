import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { context, propagation } from '@opentelemetry/api';
import type express from 'express';
import { requestScope, requestScopeMiddleware, type Logger } from '@commonhold/kit';
import type { RateLimits } from './rate-limit';
import { HOP_BY_HOP } from './rules';

/**
 * Mounts plain-HTTP routes passed through to a subgraph unchanged (bytes, status, headers):
 * payment-provider webhooks sign their raw bodies, large CSV uploads are not GraphQL. The
 * subgraph sees the gateway's request id and the caller's address as the gateway judged it
 * (`req.ip`, honest under TRUST_PROXY): a client-sent X-Forwarded-For is replaced, not extended.
 */
export function mountPassthrough(app: express.Express, route: { prefix: string; subgraph: string }, target: string, rateLimits: RateLimits, log: Logger): void {
  const base = new URL(target);
  app.use(route.prefix, requestScopeMiddleware(`gateway ${route.prefix}`, { trustRequestId: false }), async (req, res) => {
    try {
      await rateLimits.consumeIp(req.ip ?? 'unknown', res);
      // Webhooks (POST /webhooks/<provider>): a budget per endpoint and source address besides the address's.
      if (route.prefix === '/webhooks') await rateLimits.consumeWebhook(`${req.path.split('/')[1] ?? ''}:${req.ip ?? 'unknown'}`, res);
    } catch (err) {
      const status = (err as { extensions?: { http?: { status?: number } } }).extensions?.http?.status ?? 429;
      res.status(status).json({ errors: [{ message: (err as Error).message, extensions: { code: 'RATE_LIMITED' } }] });
      return;
    }
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
    const scope = requestScope.getStore();
    headers['x-request-id'] = scope?.requestId ?? randomUUID();
    if (scope?.clientRequestId) headers['x-client-request-id'] = scope.clientRequestId;
    headers['x-forwarded-for'] = req.ip ?? '';
    // This request's trace context (the gateway's server span), not the caller's: the gateway
    // propagates it itself (its telemetry makes no HTTP client spans).
    propagation.inject(context.active(), headers);
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
