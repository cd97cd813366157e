import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { tracing } from '@opentelemetry/sdk-node';
import { publishSpans } from './outbox-relay';
import type { OutboxEvent } from './envelope';

const exporter = new tracing.InMemorySpanExporter();
beforeAll(() => {
  trace.setGlobalTracerProvider(new tracing.BasicTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] }));
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterEach(() => exporter.reset());

const A = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const B = '00-1bf7651916cd43dd8448eb211c80319c-c7ad6b7169203331-01';
const event = (n: number, traceparent: string | null, topic = 'collections.ledger-entry'): OutboxEvent => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  tenantId: 't',
  topic,
  key: 'k',
  type: 'x.y.v1',
  source: 'collections',
  subject: 's',
  data: {},
  time: new Date().toISOString(),
  traceparent,
});

describe('publishSpans', () => {
  it('makes one PRODUCER span per trace and topic, in that trace, counting its messages', () => {
    const events = [...Array.from({ length: 2000 }, (_, i) => event(i, A)), event(5000, A, 'collections.charge-command'), event(6000, B), event(7000, null)];
    const spans = publishSpans(events);
    for (const s of spans) s.end();
    const done = exporter.getFinishedSpans();
    expect(done).toHaveLength(3);
    const byName = (traceId: string, name: string) => done.find((s) => s.spanContext().traceId === traceId && s.name === name)!;
    const ledgerA = byName('0af7651916cd43dd8448eb211c80319c', 'publish collections.ledger-entry');
    expect(ledgerA.attributes['messaging.batch.message_count']).toBe(2000);
    expect(ledgerA.attributes['messaging.message.id']).toBeUndefined();
    expect(ledgerA.parentSpanContext?.spanId ?? (ledgerA as unknown as { parentSpanId?: string }).parentSpanId).toBe('b7ad6b7169203331');
    expect(byName('0af7651916cd43dd8448eb211c80319c', 'publish collections.charge-command').attributes['messaging.message.id']).toBe(event(5000, A).eventId);
    expect(byName('1bf7651916cd43dd8448eb211c80319c', 'publish collections.ledger-entry').attributes['messaging.message.id']).toBe(event(6000, B).eventId);
  });

  it('makes none for events written outside a trace', () => {
    expect(publishSpans([event(1, null), event(2, null)])).toEqual([]);
  });
});
