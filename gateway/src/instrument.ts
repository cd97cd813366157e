// Loaded first by main.ts: OpenTelemetry must patch http/ioredis before they are required.
import { startTelemetry } from '@commonhold/kit/src/telemetry';

// No graphql-js spans here: @apollo/gateway makes the operation's own (request, plan, execute, fetch).
startTelemetry('gateway', process.env.OTEL_EXPORTER_OTLP_ENDPOINT, true, { graphql: false });
