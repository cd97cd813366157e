import { Counter, Histogram, type Registry } from 'prom-client';

export type WebhookOutcome = 'processed' | 'duplicate' | 'failed' | 'ignored' | 'rejected' | 'not_found' | 'invalid';

export interface IntakeMetrics {
  /** `webhook_processing_duration_seconds{provider,outcome}`: receipt → response, verification and processing included. */
  duration: Histogram<'provider' | 'outcome'>;
  /** `webhook_rejections_total{provider,reason}`: bad, missing or expired signatures and malformed bodies. */
  rejections: Counter<'provider' | 'reason'>;
}

const cache = new WeakMap<Registry, IntakeMetrics>();

/** Registers intake's metrics on the service registry (once per registry). */
export function intakeMetrics(registry: Registry): IntakeMetrics {
  let m = cache.get(registry);
  if (!m) {
    m = {
      duration: new Histogram({
        name: 'webhook_processing_duration_seconds',
        help: 'Payment-provider webhook handling time (verify, stage, process) by provider and outcome',
        labelNames: ['provider', 'outcome'],
        buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [registry],
      }),
      rejections: new Counter({
        name: 'webhook_rejections_total',
        help: 'Payment-provider webhooks refused before staging, by provider and reason',
        labelNames: ['provider', 'reason'],
        registers: [registry],
      }),
    };
    cache.set(registry, m);
  }
  return m;
}
