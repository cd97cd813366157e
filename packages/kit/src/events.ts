import type { EntityManager } from 'typeorm';
import type { EventRegistry } from './event-registry';
import type { EventPayloads, EventType } from './generated/event-payloads';
import { enqueueEvents, type NewEvent } from './outbox';

export type { EventPayloads, EventType } from './generated/event-payloads';

/** The payload type of an event type, e.g. `PayloadOf<'commonhold.fundraising.gift.recorded.v1'>`. */
export type PayloadOf<T extends EventType> = EventPayloads[T];

/** A new event whose payload is checked against its contract's generated type at compile time. */
export function newEvent<T extends EventType>(type: T, subject: string, data: EventPayloads[T], key?: string): NewEvent<EventPayloads[T]> {
  return key === undefined ? { type, subject, data } : { type, subject, key, data };
}

const TYPE = /^commonhold\.([a-z][a-z0-9-]*)\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v\d+$/;

/** The producing service named by an event type: `commonhold.<service>.<aggregate>.<verb>.vN`. */
export function producerOf(type: string): string {
  const service = TYPE.exec(type)?.[1];
  if (!service) throw new Error(`Event type ${type} is not commonhold.<service>.<aggregate>.<verb>.vN`);
  return service;
}

/**
 * `enqueueEvents` with the producer (the CloudEvent `source`) taken from each event's type instead
 * of repeated by every caller; same transaction, same order.
 */
export async function publishEvents(m: EntityManager, registry: EventRegistry, tenantId: string, events: NewEvent[]): Promise<string[]> {
  const ids: string[] = [];
  // One insert per run of events from the same producer (in practice: one insert).
  for (let i = 0; i < events.length; ) {
    const source = producerOf(events[i]!.type);
    let j = i + 1;
    while (j < events.length && producerOf(events[j]!.type) === source) j++;
    ids.push(...(await enqueueEvents(m, registry, source, tenantId, events.slice(i, j))));
    i = j;
  }
  return ids;
}
