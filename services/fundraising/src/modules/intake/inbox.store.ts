import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { isUuid, type TenantSecrets } from '@commonhold/kit';
import type { ProviderAccount } from './deps';
import type { Provider } from './providers/types';

export type ProviderEventStatus = 'STAGED' | 'PROCESSED' | 'FAILED' | 'IGNORED';

export interface ProviderEventRow {
  id: string;
  tenant_id: string;
  provider: Provider;
  provider_event_id: string;
  event_type: string;
  received_at: Date;
  payload: any;
  status: ProviderEventStatus;
  error: string | null;
  attempts: number;
  payment_ref: string | null;
  waiting_ref: string | null;
  contact_id: string | null;
  gift_id: string | null;
  agreement_id: string | null;
  processed_at: Date | null;
}

export interface IncomingEvent {
  providerEventId: string;
  eventType: string;
  payload: unknown;
}

/**
 * Stages raw events in the inbox. One row per (tenant, provider, provider event id): a replayed
 * event inserts nothing. Returns the rows' ids (new and already known) in input order, and which
 * were new.
 */
export async function stageEvents(m: EntityManager, tenantId: string, provider: Provider, events: IncomingEvent[]): Promise<{ id: string; isNew: boolean }[]> {
  if (!events.length) return [];
  const ids = events.map(() => randomUUID());
  const inserted: { id: string }[] = await m.query(
    `INSERT INTO provider_events (id, tenant_id, provider, provider_event_id, event_type, payload)
     SELECT u.id, $1, $2, u.event_id, u.event_type, u.payload::jsonb
     FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[]) AS u(id, event_id, event_type, payload)
     ON CONFLICT (tenant_id, provider, provider_event_id) DO NOTHING
     RETURNING id`,
    [tenantId, provider, ids, events.map((e) => e.providerEventId), events.map((e) => e.eventType), events.map((e) => JSON.stringify(e.payload))],
  );
  const fresh = new Set(inserted.map((r) => r.id));
  const known: { id: string; provider_event_id: string }[] = await m.query(
    `SELECT id, provider_event_id FROM provider_events WHERE provider = $1 AND provider_event_id = ANY($2::text[])`,
    [provider, events.map((e) => e.providerEventId)],
  );
  const byEventId = new Map(known.map((r) => [r.provider_event_id, r.id]));
  return events.map((e) => {
    const id = byEventId.get(e.providerEventId)!;
    return { id, isNew: fresh.has(id) };
  });
}

const TENANT = /^[A-Za-z0-9_-]{1,64}$/;
export const validTenantId = (t: unknown): t is string => typeof t === 'string' && TENANT.test(t);

/** The tenant's credentials for a provider, its secrets opened (they are sealed at rest). */
export async function loadAccount(m: EntityManager, provider: Provider, secrets: TenantSecrets): Promise<ProviderAccount | null> {
  const [r] = await m.query(`SELECT * FROM payment_provider_accounts WHERE provider = $1`, [provider]);
  if (!r) return null;
  const open = (v: string | null, column: string) => (v === null ? null : secrets.open(m, r.tenant_id, v, `payment_provider_accounts.${column}`));
  return {
    tenantId: r.tenant_id,
    provider: r.provider,
    environment: r.environment,
    webhookSecret: await open(r.webhook_secret, 'webhook_secret'),
    webhookId: r.webhook_id,
    apiKey: await open(r.api_key, 'api_key'),
    clientId: r.client_id,
    accountRef: r.account_ref,
  };
}

/**
 * Rows of an `UPDATE … RETURNING` (TypeORM's postgres driver answers UPDATE and DELETE with
 * `[rows, affectedCount]`, other statements with the rows).
 */
export async function updateReturning<T>(m: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const r = await m.query(sql, params);
  return (Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number' ? r[0] : r) as T[];
}

/** A provider event of the tenant by id (null for an unknown or malformed id). */
export async function loadEvent(m: EntityManager, id: unknown): Promise<ProviderEventRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await m.query(`SELECT * FROM provider_events WHERE id = $1`, [id]);
  return row ?? null;
}
