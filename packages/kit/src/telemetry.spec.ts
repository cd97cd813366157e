import { context, propagation, trace } from '@opentelemetry/api';
import { startTelemetry } from './telemetry';

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
