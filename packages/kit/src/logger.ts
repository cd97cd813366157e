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

/**
 * Known, harmless process warnings from dependencies, logged at debug rather than warn.
 * kafkajs 2.2.4's request queue schedules a check at `-1 - Date.now()`; Node >= 23 reports the
 * negative delay (and clamps it to 1 ms, as Node 20 did silently).
 */
const KNOWN_NOISE = new Set(['TimeoutNegativeWarning']);

/**
 * Node prints process warnings (deprecations, negative timeouts, listener leaks) as plain text on
 * stderr, which breaks "every log line is JSON" in production. This swaps Node's printer for the
 * service logger: one JSON line per warning, at warn (debug for known dependency noise).
 */
export function logProcessWarnings(log: Logger, proc: NodeJS.Process = process): void {
  proc.removeAllListeners('warning');
  proc.on('warning', (w: Error & { code?: string }) => {
    const warning = { name: w.name, message: w.message, ...(w.code ? { code: w.code } : {}) };
    if (KNOWN_NOISE.has(w.name)) log.debug({ warning }, `process warning: ${w.name}`);
    else log.warn({ warning }, `process warning: ${w.name}: ${w.message}`);
  });
}
