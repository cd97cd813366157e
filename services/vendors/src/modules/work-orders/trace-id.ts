import { trace } from '@opentelemetry/api';
import { requestScope } from '@commonhold/kit';

/** The trace id of the request or event in flight (as writeAudit records it), kept on the work order. */
export function currentTraceId(): string | null {
  const span = trace.getActiveSpan()?.spanContext();
  const id = span && span.traceId !== '00000000000000000000000000000000' ? span.traceId : undefined;
  return id ?? requestScope.getStore()?.traceId ?? null;
}
