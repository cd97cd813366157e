import { randomUUID } from 'node:crypto';
import { context as otelContext, propagation, trace, SpanKind } from '@opentelemetry/api';
import type { Express, RequestHandler } from 'express';
import type { Metrics } from './metrics';
import { requestScope } from './request-context';

const tracer = trace.getTracer('commonhold-kit');

/**
 * Per request: take or assign `x-request-id` (echoed back), continue the caller's W3C trace in a
 * server span, and run the rest of the chain inside that request scope (logs and audit read it).
 */
export function requestScopeMiddleware(spanName: string): RequestHandler {
  return (req, res, next) => {
    const requestId = (req.header('x-request-id') ?? '').slice(0, 128) || randomUUID();
    res.setHeader('x-request-id', requestId);
    const parent = propagation.extract(otelContext.active(), req.headers);
    const span = tracer.startSpan(spanName, { kind: SpanKind.SERVER }, parent);
    res.on('finish', () => span.end());
    otelContext.with(trace.setSpan(parent, span), () => requestScope.run({ requestId, traceId: span.spanContext().traceId }, next));
  };
}

const KNOWN_ROUTES = new Set(['/graphql', '/health', '/ready', '/metrics']);

/** `http_request_duration_seconds` for every request, and `GET /metrics` in Prometheus format. */
export function mountHttpMetrics(app: Express, metrics: Metrics): void {
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
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
