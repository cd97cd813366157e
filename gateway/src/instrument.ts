// Loaded first by main.ts: OpenTelemetry must patch http/ioredis before they are required.
import { startTelemetry } from '@commonhold/kit/src/telemetry';

// The gateway's spans: the request's server span (the kit's request middleware), @apollo/gateway's
// operation spans (gateway.request → execute → fetch per subgraph call) and Redis. No HTTP
// instrumentation (its per-request wrapping cost more than every span kept; the subgraph fetch
// carries gateway.fetch's traceparent, see gateway.ts, a passthrough its server span's), no
// graphql-js spans beside Apollo's, and not Apollo's bookkeeping (validate and plan are cache hits;
// postprocessing shapes the answer).
startTelemetry('gateway', process.env.OTEL_EXPORTER_OTLP_ENDPOINT, true, {
  http: false,
  graphql: false,
  dropSpans: ['gateway.validate', 'gateway.plan', 'gateway.postprocessing'],
});
