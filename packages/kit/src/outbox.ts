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
  const params: unknown[] = [];
  const rows: string[] = [];
  for (const e of events) {
    registry.validate(e.type, e.data);
    const topic = registry.contract(e.type).topic;
    const id = randomUUID();
    ids.push(id);
    const n = params.length;
    rows.push(`($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}, $${n + 7}, $${n + 8}::jsonb, $${n + 9})`);
    params.push(tenantId, id, topic, e.key ?? e.subject, e.type, source, e.subject, JSON.stringify(e.data), traceparent);
  }
  await m.query(
    `INSERT INTO outbox (tenant_id, event_id, topic, partition_key, type, source, subject, data, traceparent) VALUES ${rows.join(', ')}`,
    params,
  );
  return ids;
}
