import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { TOKEN_REJECTIONS } from './auth';

/** The platform metrics every service exports (ARCHITECTURE §7); names are a contract for SLOs and dashboards. */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    graphqlOperationDuration: new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'GraphQL operation duration by operation name and outcome (success|error)',
      labelNames: ['operation', 'outcome'],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    httpRequestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    eventsPublished: new Counter({ name: 'events_published_total', help: 'Events published from the outbox', labelNames: ['topic'], registers: [registry] }),
    eventsConsumed: new Counter({
      name: 'events_consumed_total',
      help: 'Events consumed by outcome (processed|duplicate|dead_lettered)',
      labelNames: ['topic', 'group', 'outcome'],
      registers: [registry],
    }),
    eventHandlerDuration: new Histogram({
      name: 'event_handler_duration_seconds',
      help: 'Event handler duration',
      labelNames: ['topic', 'group'],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    outboxLag: new Gauge({ name: 'outbox_lag_seconds', help: 'Age of the oldest unpublished outbox row (sampled from the table; NaN when the sample failed)', registers: [registry] }),
    /** 1 while the last outbox lag sample failed (the lag gauge then reads NaN, never a stale number). */
    outboxLagStale: new Gauge({ name: 'outbox_lag_stale', help: '1 when the last outbox_lag_seconds sample failed (the gauge is NaN then)', registers: [registry] }),
    consumerLag: new Gauge({ name: 'consumer_lag_messages', help: 'Messages behind the head per consumer group and topic', labelNames: ['topic', 'group'], registers: [registry] }),
    consumerLagStale: new Gauge({
      name: 'consumer_lag_stale',
      help: '1 when the last consumer_lag_messages sample for this group and topic failed (the gauge is NaN then)',
      labelNames: ['topic', 'group'],
      registers: [registry],
    }),
    /** 1 while the event transport answers, 0 once it has been unreachable (see transport health). */
    transportUp: new Gauge({ name: 'event_transport_up', help: '1 while the event transport (broker) is reachable, 0 while it is not', registers: [registry] }),
    transportUnreachableSeconds: new Gauge({
      name: 'event_transport_unreachable_seconds',
      help: 'How long the event transport has been unreachable (0 while it is reachable)',
      registers: [registry],
    }),
    auditGaps: new Gauge({
      name: 'audit_gaps',
      help: 'Financial side effects without an audit event carrying a trace id, per check (summed over tenants; last pass)',
      labelNames: ['check'],
      registers: [registry],
    }),
    secretsOnOldKek: new Gauge({ name: 'secrets_data_keys_on_old_kek', help: 'Data keys still wrapped by a key-encryption key other than the current one (0 before an old key is dropped)', registers: [registry] }),
    auditCheckLastSuccess: new Gauge({ name: 'audit_check_last_success_timestamp_seconds', help: 'When the audit completeness checker last completed a pass', registers: [registry] }),
    dlqEvents: new Counter({ name: 'dlq_events_total', help: 'Events sent to a dead-letter topic', labelNames: ['topic', 'group'], registers: [registry] }),
    /** Bearer tokens refused by this process's verifier, by reason (auth.ts TokenRejection; NC-504). */
    tokenRejections: (() => {
      const c = new Counter({ name: 'token_verification_failures_total', help: 'Bearer tokens refused by reason (missing, alg, signature, unknown_kid, expired, claims, no_exp, no_iat, future_iat, lifetime, malformed)', labelNames: ['reason'], registers: [registry] });
      for (const reason of TOKEN_REJECTIONS) c.inc({ reason }, 0);
      return c;
    })(),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
