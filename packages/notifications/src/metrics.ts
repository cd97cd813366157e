import { Counter, type Registry } from 'prom-client';
import { CHANNELS, type Channel, type DeliveryStatus } from './delivery-status';

/** The metric's outcome label: the four outcomes and `deferred` (a transient failure the caller retries). */
export const METRIC_OUTCOMES = ['sent', 'delivered', 'bounced', 'failed', 'deferred'] as const;
export type MetricOutcome = (typeof METRIC_OUTCOMES)[number];

export interface DeliveryMetrics {
  record(channel: Channel, status: DeliveryStatus): void;
}

/**
 * `<name>{channel, outcome}`: one increment per status a delivery reaches (a duplicate send or a
 * repeated provider report counts nothing). Labels come from closed lists, so the series stay
 * bounded (3 channels × 5 outcomes). Collections registers it as `reminder_deliveries_total`,
 * the name the domain dashboard draws.
 */
export function createDeliveryMetrics(registry: Registry, name = 'notification_deliveries_total'): DeliveryMetrics & { counter: Counter<'channel' | 'outcome'> } {
  const counter = new Counter({
    name,
    help: 'Notification deliveries by channel (email|sms|letter) and outcome (sent|delivered|bounced|failed|deferred)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  // Zero series for every pair, so rate() and ratios work before the first failure.
  for (const channel of CHANNELS) for (const outcome of METRIC_OUTCOMES) counter.inc({ channel, outcome }, 0);
  return {
    counter,
    record(channel, status) {
      if (!(CHANNELS as readonly string[]).includes(channel) || !(METRIC_OUTCOMES as readonly string[]).includes(status)) return;
      counter.inc({ channel, outcome: status });
    },
  };
}
