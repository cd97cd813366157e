import { createHash } from 'node:crypto';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';
import { keptInstrumentations, samplerFor, samplerWithout, startTelemetry, traceSamplingFromEnv } from './telemetry';

const { SamplingDecision } = tracing;

describe('startTelemetry without an exporter', () => {
  beforeAll(() => startTelemetry('telemetry-spec', undefined, false));

  it('still produces real trace ids and tracks the active span', () => {
    trace.getTracer('spec').startActiveSpan('work', (span) => {
      expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span.spanContext().traceId).not.toBe('0'.repeat(32));
      expect(trace.getActiveSpan()?.spanContext().spanId).toBe(span.spanContext().spanId);
      span.end();
    });
  });

  it('propagates W3C trace context in and out', () => {
    const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const parent = propagation.extract(context.active(), { traceparent: incoming });
    const child = trace.getTracer('spec').startSpan('child', {}, parent);
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), child), carrier);
    expect(carrier.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    child.end();
  });
});

describe('trace sampling from the standard env names', () => {
  it('defaults to parent-based ratio sampling of every new trace', () => {
    expect(traceSamplingFromEnv({})).toEqual({ sampler: 'parentbased_traceidratio', ratio: 1 });
  });

  it('reads OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG', () => {
    expect(traceSamplingFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' })).toEqual({ sampler: 'parentbased_traceidratio', ratio: 0.25 });
    expect(traceSamplingFromEnv({ OTEL_TRACES_SAMPLER: 'always_off' })).toEqual({ sampler: 'always_off', ratio: 1 });
  });

  it.each([
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, /OTEL_TRACES_SAMPLER must be one of/],
    [{ OTEL_TRACES_SAMPLER_ARG: '1.5' }, /OTEL_TRACES_SAMPLER_ARG must be a ratio/],
    [{ OTEL_TRACES_SAMPLER_ARG: 'half' }, /OTEL_TRACES_SAMPLER_ARG must be a ratio/],
  ])('refuses %j', (env, message) => {
    expect(() => traceSamplingFromEnv(env)).toThrow(message);
  });

  const decide = (sampler: ReturnType<typeof samplerFor>, traceId: string, parentFlags?: number) => {
    const parent = parentFlags === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: parentFlags, isRemote: true });
    return sampler.shouldSample(parent, traceId, 'op', SpanKind.SERVER, {}, []).decision;
  };

  it('follows the caller: a sampled parent is recorded and an unsampled one is not, whatever the ratio', () => {
    const none = samplerFor({ sampler: 'parentbased_traceidratio', ratio: 0 });
    const all = samplerFor({ sampler: 'parentbased_traceidratio', ratio: 1 });
    expect(decide(none, 'a'.repeat(32), TraceFlags.SAMPLED)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(all, 'a'.repeat(32), TraceFlags.NONE)).toBe(SamplingDecision.NOT_RECORD);
  });

  it('never records the spans named to drop, and samples the rest as before', () => {
    const sut = samplerWithout({ sampler: 'parentbased_traceidratio', ratio: 1 }, ['gateway.plan']);
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(sut.shouldSample(parent, 'a'.repeat(32), 'gateway.plan', SpanKind.INTERNAL, {}, []).decision).toBe(SamplingDecision.NOT_RECORD);
    expect(sut.shouldSample(parent, 'a'.repeat(32), 'gateway.fetch', SpanKind.CLIENT, {}, []).decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('samples new traces at the ratio, by trace id', () => {
    const half = samplerFor({ sampler: 'parentbased_traceidratio', ratio: 0.5 });
    const ids = Array.from({ length: 2000 }, (_, i) => createHash('sha256').update(String(i)).digest('hex').slice(0, 32));
    const sampled = ids.filter((id) => decide(half, id) === SamplingDecision.RECORD_AND_SAMPLED).length;
    expect(sampled).toBeGreaterThan(850);
    expect(sampled).toBeLessThan(1150);
    expect(decide(samplerFor({ sampler: 'parentbased_traceidratio', ratio: 0 }), ids[0]!)).toBe(SamplingDecision.NOT_RECORD);
  });
});

describe('kept instrumentations', () => {
  it('are HTTP, GraphQL, pg and Redis only (no fs, dns, net, express; Kafka spans are the kit\'s own)', () => {
    expect(keptInstrumentations().map((i) => i.instrumentationName).sort()).toEqual([
      '@opentelemetry/instrumentation-graphql',
      '@opentelemetry/instrumentation-http',
      '@opentelemetry/instrumentation-ioredis',
      '@opentelemetry/instrumentation-pg',
    ]);
    expect(keptInstrumentations({ graphql: false, http: false }).map((i) => i.instrumentationName).sort()).toEqual(['@opentelemetry/instrumentation-ioredis', '@opentelemetry/instrumentation-pg']);
  });
});
