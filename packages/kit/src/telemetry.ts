import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry once per process. Spans always exist (trace ids reach logs and audit
 * events); they are exported only when OTEL_EXPORTER_OTLP_ENDPOINT is set. Call before loading
 * http/pg/kafkajs/ioredis so their instrumentations apply.
 */
export function startTelemetry(serviceName: string, otlpEndpoint?: string, instrument = true): void {
  if (sdk) return;
  sdk = new NodeSDK({
    serviceName,
    // With no exporter, a no-op processor still makes the SDK register a real tracer provider
    // (an empty list registers none, and every trace id would be zeros).
    ...(otlpEndpoint
      ? { traceExporter: new OTLPTraceExporter({ url: `${otlpEndpoint.replace(/\/$/, '')}/v1/traces` }) }
      : { spanProcessors: [new tracing.NoopSpanProcessor()] }),
    instrumentations: instrument
      ? [
          getNodeAutoInstrumentations({
            '@opentelemetry/instrumentation-fs': { enabled: false },
            '@opentelemetry/instrumentation-dns': { enabled: false },
            '@opentelemetry/instrumentation-net': { enabled: false },
          }),
        ]
      : [],
  });
  sdk.start();
}

export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}
