import { randomUUID } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import type { EntityManager } from 'typeorm';
import type { EventRegistry } from './event-registry';

export interface NewEvent<T = unknown> {
  type: string;
  subject: string;
  data: T;
  /** Partition key; defaults to the subject (order per aggregate). */
  key?: string;
}

/**
 * Writes events to the outbox inside the caller's transaction, so they leave only if the state
 * change commits. Validates each payload against its contract first (publish-side validation).
 */
export async function enqueueEvents(
  m: EntityManager,
  registry: EventRegistry,
  source: string,
  tenantId: string,
  events: NewEvent[],
): Promise<string[]> {
  if (!events.length) return [];
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const traceparent = carrier.traceparent ?? null;
  const ids: string[] = [];
  const rows: { event_id: string; topic: string; partition_key: string; type: string; subject: string; data: unknown }[] = [];
  for (const e of events) {
    registry.validate(e.type, e.data);
    const id = randomUUID();
    ids.push(id);
    rows.push({ event_id: id, topic: registry.contract(e.type).topic, partition_key: e.key ?? e.subject, type: e.type, subject: e.subject, data: e.data });
  }
  // One JSON parameter for any number of events (no bind-parameter limit), inserted in the order
  // given: the relay publishes by outbox id.
  await m.query(
    `INSERT INTO outbox (tenant_id, event_id, topic, partition_key, type, source, subject, data, traceparent)
     SELECT $1, x.event_id, x.topic, x.partition_key, x.type, $2, x.subject, x.data, $3
       FROM ROWS FROM (jsonb_to_recordset($4::jsonb) AS (event_id uuid, topic text, partition_key text, type text, subject text, data jsonb)) WITH ORDINALITY AS x(event_id, topic, partition_key, type, subject, data, n)
      ORDER BY x.n`,
    [tenantId, source, traceparent, JSON.stringify(rows)],
  );
  return ids;
}
