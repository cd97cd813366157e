import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { context as otelContext, propagation, trace, SpanKind } from '@opentelemetry/api';
import type { AuditChecker } from './audit-check';
import type { Express, RequestHandler } from 'express';
import type { Metrics } from './metrics';
import { requestScope } from './request-context';

const tracer = trace.getTracer('commonhold-kit');

/**
 * Per request: take (behind the gateway) or assign (at the edge) `x-request-id` (echoed back), continue the caller's W3C trace in a
 * server span, and run the rest of the chain inside that request scope (logs and audit read it).
 */
export function requestScopeMiddleware(spanName: string, opts: { trustRequestId?: boolean } = {}): RequestHandler {
  const trust = opts.trustRequestId ?? true;
  return (req, res, next) => {
    const sent = (req.header('x-request-id') ?? '').slice(0, 128) || undefined;
    // At the edge (trustRequestId: false) a client's id is never taken as ours: a fresh one is
    // assigned and theirs is kept apart (`clientRequestId`, echoed as x-client-request-id).
    const requestId = (trust ? sent : undefined) ?? randomUUID();
    const clientRequestId = trust ? undefined : sent;
    res.setHeader('x-request-id', requestId);
    if (clientRequestId) res.setHeader('x-client-request-id', clientRequestId);
    const parent = propagation.extract(otelContext.active(), req.headers);
    const span = tracer.startSpan(spanName, { kind: SpanKind.SERVER }, parent);
    res.on('finish', () => span.end());
    otelContext.with(trace.setSpan(parent, span), () => requestScope.run({ requestId, clientRequestId, traceId: span.spanContext().traceId }, next));
  };
}

const KNOWN_ROUTES = new Set(['/graphql', '/health', '/ready', '/metrics', '/audit-gaps']);

/** `http_request_duration_seconds` for every request, and `GET /metrics` in Prometheus format. */
export function mountHttpMetrics(app: Express, metrics: Metrics, opts: { token?: string } = {}): void {
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    // Read the route now: by the time the response finishes, a mounted router (app.use('/graphql'))
    // has rewritten req.path to '/', and every GraphQL request would count as 'other'.
    const route = KNOWN_ROUTES.has(req.path) ? req.path : 'other';
    res.on('finish', () => {
      metrics.httpRequestDuration.observe({ method: req.method, route, status_code: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  });
  app.get('/metrics', async (req, res) => {
    // METRICS_TOKEN set: only a scraper holding it reads the metrics (the ServiceMonitor's bearer
    // token); compared in constant time.
    if (opts.token && !sameSecret(req.header('authorization') ?? '', `Bearer ${opts.token}`)) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ errors: [{ message: 'A metrics token is required', extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

/**
 * `GET /audit-gaps`: the last audit completeness pass (tenants, checks, first ids) for the operator,
 * behind the metrics token when one is set. `?run=1` runs a pass first.
 */
export function mountAuditGaps(app: Express, checker: AuditChecker, opts: { token?: string } = {}): void {
  app.get('/audit-gaps', async (req, res) => {
    if (opts.token && !sameSecret(req.header('authorization') ?? '', `Bearer ${opts.token}`)) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ errors: [{ message: 'A metrics token is required', extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    try {
      const report = req.query.run === '1' ? await checker.run() : checker.lastReport();
      res.json(report ?? { checkedAt: null, tenants: 0, gaps: [] });
    } catch {
      res.status(503).json({ errors: [{ message: 'The audit check could not run; see the service log', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
    }
  });
}

function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}
