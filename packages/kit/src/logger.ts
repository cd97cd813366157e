import pino, { type Logger } from 'pino';
import { trace } from '@opentelemetry/api';
import { requestScope } from './request-context';

/** pino JSON, one line per event, carrying request, trace and tenant ids (ARCHITECTURE §7). */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const scope = requestScope.getStore();
      const span = trace.getActiveSpan()?.spanContext();
      return {
        ...(scope?.requestId ? { requestId: scope.requestId } : {}),
        ...(scope?.tenantId ? { tenantId: scope.tenantId } : {}),
        ...(span ? { traceId: span.traceId, spanId: span.spanId } : {}),
      };
    },
  });
}
export type { Logger };
