import type { EntityManager } from 'typeorm';
import type { EventRegistry } from './event-registry';
import { producerOf, type AnyEvent } from './event-builders';
import { enqueueEvents } from './outbox';

/**
 * `enqueueEvents` with the producer (the CloudEvent `source`) taken from each event's type instead
 * of repeated by every caller; same transaction, same order.
 */
export async function publishEvents(m: EntityManager, registry: EventRegistry, tenantId: string, events: AnyEvent[]): Promise<string[]> {
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
