// Loaded first by main.ts: OpenTelemetry must patch http/pg/kafkajs/ioredis before they are required.
import { startTelemetry } from '@commonhold/kit/src/telemetry';

startTelemetry('grants', process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
