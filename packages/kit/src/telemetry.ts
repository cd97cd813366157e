import type { IncomingMessage } from 'node:http';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { TRACE_SAMPLERS, type TraceSamplerName } from './config';

let sdk: NodeSDK | undefined;

/** Per process: what to leave out where another library already makes the span. */
export interface TelemetryOptions {
  /** false: no graphql-js spans (the gateway, whose operation spans @apollo/gateway makes). */
  graphql?: boolean;
  /**
   * false: no HTTP instrumentation (the gateway): its server span is the kit's request middleware's
   * (requestScopeMiddleware, continuing the caller's traceparent), its subgraph fetches are
   * @apollo/gateway's `gateway.fetch` spans, and it propagates trace context itself.
   */
  http?: boolean;
  /** Span names never recorded (e.g. @apollo/gateway's `gateway.plan`: a cache lookup per request). */
  dropSpans?: readonly string[];
}

export { TRACE_SAMPLERS, type TraceSamplerName };

/** Default when OTEL_TRACES_SAMPLER is unset: a caller's decision is followed; new traces are sampled at the ratio. */
export const DEFAULT_TRACE_SAMPLER: TraceSamplerName = 'parentbased_traceidratio';
/** Default OTEL_TRACES_SAMPLER_ARG: every new trace (lower it where traffic makes full tracing costly). */
export const DEFAULT_TRACE_RATIO = 1;

/**
 * The sampler settings from the standard env names, validated (a wrong value stops the process,
 * as every other setting does). Pure: tested without an SDK.
 */
export function traceSamplingFromEnv(env: Record<string, string | undefined>): { sampler: TraceSamplerName; ratio: number } {
  const name = (env.OTEL_TRACES_SAMPLER?.trim() || DEFAULT_TRACE_SAMPLER) as TraceSamplerName;
  if (!TRACE_SAMPLERS.includes(name)) throw new Error(`OTEL_TRACES_SAMPLER must be one of ${TRACE_SAMPLERS.join(', ')}; got "${name}"`);
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  const ratio = arg ? Number(arg) : DEFAULT_TRACE_RATIO;
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1; got "${arg}"`);
  return { sampler: name, ratio };
}

/** The SDK sampler for those settings. */
export function samplerFor({ sampler, ratio }: { sampler: TraceSamplerName; ratio: number }): tracing.Sampler {
  const root = (name: string): tracing.Sampler =>
    name.endsWith('always_on') ? new tracing.AlwaysOnSampler() : name.endsWith('always_off') ? new tracing.AlwaysOffSampler() : new tracing.TraceIdRatioBasedSampler(ratio);
  return sampler.startsWith('parentbased_') ? new tracing.ParentBasedSampler({ root: root(sampler) }) : root(sampler);
}

/** Names of spans never recorded (the sampler answers NOT_RECORD): per-request bookkeeping of a library. */
class DroppingSampler implements tracing.Sampler {
  constructor(
    private readonly inner: tracing.Sampler,
    private readonly names: ReadonlySet<string>,
  ) {}
  shouldSample(...args: Parameters<tracing.Sampler['shouldSample']>): tracing.SamplingResult {
    return this.names.has(args[2]) ? { decision: tracing.SamplingDecision.NOT_RECORD } : this.inner.shouldSample(...args);
  }
  toString(): string {
    return `Dropping{${[...this.names].join(',')}}(${this.inner.toString()})`;
  }
}

/** The sampler for those settings, never recording the spans named in `drop` (they must have no children). */
export function samplerWithout(settings: { sampler: TraceSamplerName; ratio: number }, drop: readonly string[]): tracing.Sampler {
  const inner = samplerFor(settings);
  return drop.length ? new DroppingSampler(inner, new Set(drop)) : inner;
}

/** Probes and scrapes: no span (they are most requests a pod sees and say nothing about a user's call). */
const UNTRACED_PATHS = /^\/(health|ready|metrics)(\/|\?|$)/;

/**
 * The spans on-call reads, and nothing else (OpenTelemetry's advice: pick instrumentations rather
 * than load them all): the HTTP server and client spans (subgraph fetches, passthroughs), the
 * GraphQL operation (parse/validate/execute and one span per root field, no per-field resolver
 * spans), PostgreSQL queries inside a request or consumer (a poll outside any trace makes no root
 * span) and Redis. Kafka's spans are the kit's own — `publish <topic>` in the outbox relay and
 * `consume <type>` in the consumer, each in the trace of the request that wrote the event — because
 * kafkajs's instrumentation overwrites the event's `traceparent` header with the relay's own new
 * trace. fs, dns, net, Express middleware layers and the rest are not loaded at all. `opts`
 * leaves out what another library already traces in that process (TelemetryOptions).
 */
export function keptInstrumentations(opts: TelemetryOptions = {}): Instrumentation[] {
  return [
    ...(opts.http === false
      ? []
      : [new HttpInstrumentation({ ignoreIncomingRequestHook: (req: IncomingMessage) => UNTRACED_PATHS.test(req.url ?? ''), requireParentforOutgoingSpans: true })]),
    // depth 1: a span per root field (where the use case runs); nested fields, trivial or loaders
    // whose queries show as pg spans anyway, add none.
    ...(opts.graphql === false ? [] : [new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, mergeItems: true, depth: 1 })]),
    new PgInstrumentation({ requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
  ];
}

/**
 * Starts OpenTelemetry once per process. Spans always exist (trace ids reach logs and audit
 * events, also for traces the sampler leaves unrecorded); they are exported only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set. Sampling: OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG
 * (default parent-based ratio 1). OTEL_SDK_DISABLED=true turns it all off. Call before loading
 * http/pg/kafkajs/ioredis so their instrumentations apply.
 */
export function startTelemetry(serviceName: string, otlpEndpoint?: string, instrument = true, opts: TelemetryOptions = {}): void {
  if (sdk) return;
  // Instrumentations patch modules as soon as they are constructed, SDK or not: off means none.
  if (/^true$/i.test(process.env.OTEL_SDK_DISABLED?.trim() ?? '')) return;
  sdk = new NodeSDK({
    serviceName,
    sampler: samplerWithout(traceSamplingFromEnv(process.env), opts.dropSpans ?? []),
    // With no exporter, a no-op processor still makes the SDK register a real tracer provider
    // (an empty list registers none, and every trace id would be zeros).
    ...(otlpEndpoint
      ? { traceExporter: new OTLPTraceExporter({ url: `${otlpEndpoint.replace(/\/$/, '')}/v1/traces` }) }
      : { spanProcessors: [new tracing.NoopSpanProcessor()] }),
    instrumentations: instrument ? keptInstrumentations(opts) : [],
  });
  sdk.start();
}

export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}
