import type { Logger } from 'pino';
import type { ConsumerDefinition } from './consumer';
import type { Metrics } from './metrics';
import type { Transport } from './transport/transport';

export interface TransportReadiness {
  /** False once the broker has been unreachable for longer than the threshold. */
  ok: boolean;
  unreachableSeconds: number;
}

/**
 * The transport part of `/ready` and of `event_transport_up` (ADR 0006). A broker blip shorter
 * than `thresholdMs` changes nothing (the outbox holds the events); past it the check is false.
 * Whether that fails readiness (503) or only marks the service degraded is the caller's choice:
 * writes keep working through the outbox during a broker outage, so failing every replica's
 * readiness would turn a broker outage into a full outage.
 */
export function transportReadiness(transport: Transport, thresholdMs: number, metrics?: Metrics, now = Date.now()): TransportReadiness {
  const h = transport.health();
  const unreachableMs = h.reachable ? 0 : now - (h.unreachableSince ?? now);
  const ok = h.reachable || unreachableMs < thresholdMs;
  metrics?.transportUp.set(h.reachable ? 1 : 0);
  metrics?.transportUnreachableSeconds.set(unreachableMs / 1000);
  return { ok, unreachableSeconds: unreachableMs / 1000 };
}

/**
 * Samples `consumer_lag_messages` per group and topic. A failed sample sets the gauge to NaN and
 * `consumer_lag_stale` to 1 instead of leaving the last number standing; each sample is bounded
 * in time so a broker outage cannot freeze the sampler.
 */
export function consumerLagSampler(consumers: ConsumerDefinition[], transport: Transport, metrics: Metrics, log: Logger, timeoutMs = 5000) {
  let running = false;
  return async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const h = transport.health();
      for (const c of consumers) {
        for (const topic of c.topics) {
          const labels = { topic, group: c.group };
          let timer: NodeJS.Timeout | undefined;
          try {
            if (!h.reachable) throw new Error('transport unreachable');
            const call = transport.lag(c.group, topic);
            call.catch(() => undefined);
            const lag = await Promise.race([call, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('lag sample timed out')), timeoutMs)))]);
            metrics.consumerLag.set(labels, lag);
            metrics.consumerLagStale.set(labels, 0);
          } catch (err) {
            metrics.consumerLag.set(labels, Number.NaN);
            metrics.consumerLagStale.set(labels, 1);
            log.warn({ err, topic, group: c.group }, 'consumer lag sample failed (marked stale)');
          } finally {
            clearTimeout(timer);
          }
        }
      }
    } finally {
      running = false;
    }
  };
}
