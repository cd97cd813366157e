// Loaded first by main.ts: OpenTelemetry must patch http/ioredis before they are required.
import { startTelemetry } from '@commonhold/kit/src/telemetry';

// @apollo/gateway makes the operation's spans (gateway.request → execute → fetch per subgraph call):
// no graphql-js spans and no HTTP client spans beside them, and not its per-request bookkeeping
// (validate and plan are cache hits; postprocessing shapes the answer). The subgraph fetch
// carries the traceparent of its gateway.fetch span (gateway.ts), a passthrough its server span's.
startTelemetry('gateway', process.env.OTEL_EXPORTER_OTLP_ENDPOINT, true, {
  graphql: false,
  outgoingHttp: false,
  dropSpans: ['gateway.validate', 'gateway.plan', 'gateway.postprocessing'],
});
