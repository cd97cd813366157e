import { context, propagation, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { isConnectionError, withTenant } from './db';
import { fromTransportMessage, MalformedEventError, type ReceivedEvent } from './envelope';
import { EventValidationError, type EventRegistry } from './event-registry';
import type { Metrics } from './metrics';
import { requestScope } from './request-context';
import type { Subscription, Transport, TransportMessage } from './transport/transport';

export interface EventHandlerArgs<T = any> {
  event: ReceivedEvent<T>;
  /** The tenant-scoped transaction in which the inbox row is written too. */
  m: EntityManager;
  log: Logger;
}
export type EventHandler<T = any> = (args: EventHandlerArgs<T>) => Promise<void>;

/** One consumer: a group (`<consuming service>.<purpose>`), its topics, a handler per event type. */
export interface ConsumerDefinition {
  group: string;
  topics: string[];
  handlers: Record<string, EventHandler>;
  /**
   * Events (valid, of a handled type) for which this answers false are acknowledged at once, without
   * a transaction or an inbox row (outcome `skipped`). Only for events the handler would ignore
   * anyway: skipping has no effect, so a redelivered one is skipped again.
   */
  when?: (event: ReceivedEvent) => boolean;
}

export interface ConsumerDeps {
  ds: DataSource;
  transport: Transport;
  registry: EventRegistry;
  log: Logger;
  metrics?: Metrics;
  maxAttempts: number;
  backoffMs: number;
}

export type ConsumeOutcome = 'processed' | 'duplicate' | 'skipped' | 'dead_lettered';

const tracer = trace.getTracer('commonhold-kit');

/**
 * Exactly-once effects over at-least-once delivery: each event runs in a tenant transaction that
 * first records its id in `inbox`; a redelivered id changes nothing. Failing handlers are retried
 * with exponential backoff; after the last attempt (or at once for a malformed event or one that
 * breaks its contract) the message goes to `<topic>.dlq` with the error in headers.
 */
export async function startConsumer(def: ConsumerDefinition, deps: ConsumerDeps): Promise<Subscription> {
  const log = deps.log.child({ consumer: def.group });
  // A lost or refused database connection is not the event's fault: it is not retried here (nor
  // dead-lettered) but thrown to the transport, which delivers the same message again later.
  const policy = retry(handleWhen((err) => !isConnectionError(err)), {
    maxAttempts: Math.max(0, deps.maxAttempts - 1),
    backoff: new ExponentialBackoff({ initialDelay: deps.backoffMs, maxDelay: Math.max(deps.backoffMs, 30_000) }),
  });

  const deadLetter = async (msg: TransportMessage, err: Error, attempts: number) => {
    await deps.transport.publish([
      {
        topic: `${msg.topic}.dlq`,
        key: msg.key,
        value: msg.value,
        ...(msg.tombstone ? { tombstone: true } : {}),
        headers: {
          ...msg.headers,
          'x-dlq-original-topic': msg.topic,
          'x-dlq-consumer-group': def.group,
          'x-dlq-error-type': err.name,
          'x-dlq-error-message': err.message.slice(0, 1000),
          'x-dlq-attempts': String(attempts),
          'x-dlq-failed-at': new Date().toISOString(),
        },
      },
    ]);
    deps.metrics?.dlqEvents.inc({ topic: msg.topic, group: def.group });
    deps.metrics?.eventsConsumed.inc({ topic: msg.topic, group: def.group, outcome: 'dead_lettered' });
  };

  const handle = async (msg: TransportMessage): Promise<void> => {
    let event: ReceivedEvent;
    try {
      event = fromTransportMessage(msg);
      if (!def.handlers[event.type]) return; // not an event this consumer cares about
      // Only the contract's producer may emit a type: another ce_source is a forgery or a mistake.
      const producer = deps.registry.contract(event.type).producer;
      if (event.source !== producer) throw new MalformedEventError(`ce_source ${JSON.stringify(event.source)} is not ${event.type}'s producer (${producer})`);
      deps.registry.validate(event.type, event.data);
    } catch (err) {
      if (err instanceof MalformedEventError || err instanceof EventValidationError) {
        log.error({ err, topic: msg.topic, key: msg.key }, 'poison event sent to the DLQ without retrying');
        return deadLetter(msg, err, 1);
      }
      throw err;
    }
    if (def.when && !def.when(event)) {
      deps.metrics?.eventsConsumed.inc({ topic: msg.topic, group: def.group, outcome: 'skipped' });
      return;
    }
    const handler = def.handlers[event.type]!;
    const parent = propagation.extract(context.active(), event.traceparent ? { traceparent: event.traceparent } : {});
    const span = tracer.startSpan(`consume ${event.type}`, { kind: SpanKind.CONSUMER, attributes: { 'messaging.destination.name': msg.topic, 'messaging.consumer.group.name': def.group, 'messaging.message.id': event.id } }, parent);
    const started = process.hrtime.bigint();
    let attempts = 0;
    try {
      await context.with(trace.setSpan(parent, span), () =>
        requestScope.run({ tenantId: event.tenantId, requestId: event.id }, async () => {
          try {
            const outcome = await policy.execute(async () => {
              attempts++;
              return withTenant(deps.ds, event.tenantId, async (m) => {
                const fresh = await m.query(
                  `INSERT INTO inbox (consumer, event_id, tenant_id, type) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING event_id`,
                  [def.group, event.id, event.tenantId, event.type],
                );
                if (!fresh.length) return 'duplicate' as const;
                await handler({ event, m, log });
                return 'processed' as const;
              });
            });
            deps.metrics?.eventsConsumed.inc({ topic: msg.topic, group: def.group, outcome });
          } catch (err) {
            span.recordException(err as Error);
            span.setStatus({ code: SpanStatusCode.ERROR });
            if (isConnectionError(err)) {
              log.warn({ err, eventId: event.id, type: event.type }, 'database unavailable; the event will be redelivered');
              await new Promise((r) => setTimeout(r, Math.max(deps.backoffMs, 200)));
              throw err;
            }
            log.error({ err, eventId: event.id, type: event.type, attempts }, 'event handler failed after retries; dead-lettering');
            await deadLetter(msg, err as Error, attempts);
          }
        }),
      );
    } finally {
      deps.metrics?.eventHandlerDuration.observe({ topic: msg.topic, group: def.group }, Number(process.hrtime.bigint() - started) / 1e9);
      span.end();
    }
  };

  return deps.transport.subscribe(def.group, def.topics, handle);
}
