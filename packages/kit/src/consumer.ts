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

export interface BatchEventHandlerArgs<T = any> {
  /** Consecutive events of one type and tenant, in order, each new to this consumer (duplicates are left out). */
  events: ReceivedEvent<T>[];
  /** The tenant-scoped transaction in which their inbox rows are written too. */
  m: EntityManager;
  log: Logger;
}
export type BatchEventHandler<T = any> = (args: BatchEventHandlerArgs<T>) => Promise<void>;

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
  /**
   * Set-based handlers for high-volume types (each also in `handlers`): the transport hands over up
   * to `batchSize` messages at once, and each run of consecutive events of one such type and tenant
   * is handled in one transaction — one inbox INSERT for all of them, one call here with the new
   * ones. Must have the same effect as calling the single handler for each event in order. If the
   * run's transaction fails, its events are handled again one by one through `handlers` (with the
   * usual retries and dead-lettering), so one bad event still only costs itself.
   */
  batchHandlers?: Record<string, BatchEventHandler>;
  /** Most messages handed over at once when there are `batchHandlers` or a `concurrency` (default 500). */
  batchSize?: number;
  /**
   * For independent commands only (no order among them, idempotent each, touching disjoint rows):
   * the events of one handed-over batch are handled up to this many at a time, each in its own
   * transaction with the usual inbox, retries and dead-lettering; the batch is done when all are.
   * Default 1: one at a time, in order.
   */
  concurrency?: number;
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
const hrNow = () => process.hrtime.bigint();

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

  /** Parses and checks one message: the event to handle, or null (not ours, skipped, or dead-lettered as poison). */
  const accept = async (msg: TransportMessage): Promise<ReceivedEvent | null> => {
    let event: ReceivedEvent;
    try {
      event = fromTransportMessage(msg);
      if (!def.handlers[event.type]) return null; // not an event this consumer cares about
      // Only the contract's producer may emit a type: another ce_source is a forgery or a mistake.
      const producer = deps.registry.contract(event.type).producer;
      if (event.source !== producer) throw new MalformedEventError(`ce_source ${JSON.stringify(event.source)} is not ${event.type}'s producer (${producer})`);
      deps.registry.validate(event.type, event.data);
    } catch (err) {
      if (err instanceof MalformedEventError || err instanceof EventValidationError) {
        log.error({ err, topic: msg.topic, key: msg.key }, 'poison event sent to the DLQ without retrying');
        await deadLetter(msg, err, 1);
        return null;
      }
      throw err;
    }
    if (def.when && !def.when(event)) {
      deps.metrics?.eventsConsumed.inc({ topic: msg.topic, group: def.group, outcome: 'skipped' });
      return null;
    }
    return event;
  };

  /** Handles one accepted event in its own transaction, with retries and dead-lettering. */
  const handleOne = async (msg: TransportMessage, event: ReceivedEvent): Promise<void> => {
    const handler = def.handlers[event.type]!;
    const parent = propagation.extract(context.active(), event.traceparent ? { traceparent: event.traceparent } : {});
    const span = tracer.startSpan(`consume ${event.type}`, { kind: SpanKind.CONSUMER, attributes: { 'messaging.destination.name': msg.topic, 'messaging.consumer.group.name': def.group, 'messaging.message.id': event.id } }, parent);
    const started = hrNow();
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
      deps.metrics?.eventHandlerDuration.observe({ topic: msg.topic, group: def.group }, Number(hrNow() - started) / 1e9);
      span.end();
    }
  };

  const handle = async (msg: TransportMessage): Promise<void> => {
    const event = await accept(msg);
    if (event) await handleOne(msg, event);
  };

  const batchHandlers = def.batchHandlers ?? {};
  for (const type of Object.keys(batchHandlers)) {
    if (!def.handlers[type]) throw new Error(`${def.group}: batch handler for ${type} has no single handler to fall back on`);
  }
  const concurrency = Math.max(1, Math.floor(def.concurrency ?? 1));
  if (concurrency > 1 && Object.keys(batchHandlers).length) throw new Error(`${def.group}: a consumer has either batch handlers or a concurrency, not both`);
  if (concurrency > 1) {
    return deps.transport.subscribeBatch(
      def.group,
      def.topics,
      async (msgs) => {
        let next = 0;
        const worker = async () => {
          while (next < msgs.length) await handle(msgs[next++]!);
        };
        // All workers finish before a failure (a lost database) is thrown for the batch to come again.
        const settled = await Promise.allSettled(Array.from({ length: Math.min(concurrency, msgs.length) }, worker));
        const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      },
      { maxMessages: def.batchSize ?? 500 },
    );
  }
  if (!Object.keys(batchHandlers).length) return deps.transport.subscribe(def.group, def.topics, handle);

  /**
   * One run of consecutive events of one batch-handled type and tenant: one transaction, one inbox
   * INSERT, one handler call. A failed transaction hands each event to `handleOne` (retries, DLQ).
   */
  const processRun = async (run: { msg: TransportMessage; event: ReceivedEvent }[]): Promise<void> => {
    const { event: first, msg: firstMsg } = run[0]!;
    const links = run.slice(0, 128).flatMap(({ event }) => {
      const ctx = event.traceparent ? trace.getSpanContext(propagation.extract(context.active(), { traceparent: event.traceparent })) : undefined;
      return ctx ? [{ context: ctx }] : [];
    });
    const span = tracer.startSpan(`consume ${first.type} batch`, { kind: SpanKind.CONSUMER, links, attributes: { 'messaging.destination.name': firstMsg.topic, 'messaging.consumer.group.name': def.group, 'messaging.batch.message_count': run.length } });
    const started = hrNow();
    try {
      const fresh = await context.with(trace.setSpan(context.active(), span), () =>
        requestScope.run({ tenantId: first.tenantId, requestId: first.id }, () =>
          withTenant(deps.ds, first.tenantId, async (m) => {
            const events = [...new Map(run.map(({ event }) => [event.id, event])).values()];
            const inserted: { event_id: string }[] = await m.query(
              `INSERT INTO inbox (consumer, event_id, tenant_id, type) SELECT $1, id, $2, $3 FROM unnest($4::uuid[]) AS id ON CONFLICT DO NOTHING RETURNING event_id`,
              [def.group, first.tenantId, first.type, events.map((e) => e.id)],
            );
            const isNew = new Set(inserted.map((r) => r.event_id));
            const news = events.filter((e) => isNew.has(e.id));
            if (news.length) await batchHandlers[first.type]!({ events: news, m, log });
            return news.length;
          }),
        ),
      );
      deps.metrics?.eventsConsumed.inc({ topic: firstMsg.topic, group: def.group, outcome: 'processed' }, fresh);
      if (run.length > fresh) deps.metrics?.eventsConsumed.inc({ topic: firstMsg.topic, group: def.group, outcome: 'duplicate' }, run.length - fresh);
      // Each event is observed with its share of the run's time.
      const each = Number(hrNow() - started) / 1e9 / run.length;
      for (let i = 0; i < run.length; i++) deps.metrics?.eventHandlerDuration.observe({ topic: firstMsg.topic, group: def.group }, each);
    } catch (err) {
      span.recordException(err as Error);
      if (isConnectionError(err)) {
        log.warn({ err, type: first.type, events: run.length }, 'database unavailable; the events will be redelivered');
        await new Promise((r) => setTimeout(r, Math.max(deps.backoffMs, 200)));
        throw err;
      }
      log.warn({ err, type: first.type, events: run.length }, 'batch failed; handling its events one by one');
      for (const { msg, event } of run) await handleOne(msg, event);
    } finally {
      span.end();
    }
  };

  const handleBatch = async (msgs: TransportMessage[]): Promise<void> => {
    let run: { msg: TransportMessage; event: ReceivedEvent }[] = [];
    const flush = async () => {
      if (run.length) await processRun(run);
      run = [];
    };
    for (const msg of msgs) {
      const event = await accept(msg);
      if (!event) continue;
      if (!batchHandlers[event.type]) {
        await flush();
        await handleOne(msg, event);
        continue;
      }
      const head = run[0]?.event;
      if (head && (head.type !== event.type || head.tenantId !== event.tenantId)) await flush();
      run.push({ msg, event });
    }
    await flush();
  };

  return deps.transport.subscribeBatch(def.group, def.topics, handleBatch, { maxMessages: def.batchSize ?? 500 });
}
