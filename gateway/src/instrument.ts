// Loaded first by main.ts: OpenTelemetry must patch http/ioredis before they are required.
import { startTelemetry } from '@commonhold/kit/src/telemetry';

startTelemetry('gateway', process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
