import { trace } from '@opentelemetry/api';
import type { EntityManager } from 'typeorm';
import { requestScope } from './request-context';

export interface AuditEntry {
  tenantId: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Records who changed what, in the same transaction as the change, with the current trace id. */
export async function writeAudit(m: EntityManager, e: AuditEntry): Promise<void> {
  const span = trace.getActiveSpan()?.spanContext();
  const traceId = (span && span.traceId !== '00000000000000000000000000000000' ? span.traceId : undefined) ?? requestScope.getStore()?.traceId ?? null;
  await m.query(
    `INSERT INTO audit_events (tenant_id, actor, action, entity_type, entity_id, before, after, trace_id, request_id)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9)`,
    [
      e.tenantId,
      e.actor,
      e.action,
      e.entityType,
      e.entityId,
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after),
      traceId,
      requestScope.getStore()?.requestId ?? null,
    ],
  );
}

/** `writeAudit` for many entries in one statement (same trace and request id for all). */
export async function writeAudits(m: EntityManager, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const span = trace.getActiveSpan()?.spanContext();
  const traceId = (span && span.traceId !== '00000000000000000000000000000000' ? span.traceId : undefined) ?? requestScope.getStore()?.traceId ?? null;
  const col = <T>(f: (e: AuditEntry) => T) => entries.map(f);
  await m.query(
    `INSERT INTO audit_events (tenant_id, actor, action, entity_type, entity_id, before, after, trace_id, request_id)
     SELECT t, a, ac, et, ei, b::jsonb, af::jsonb, $8, $9 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(t, a, ac, et, ei, b, af)`,
    [
      col((e) => e.tenantId),
      col((e) => e.actor),
      col((e) => e.action),
      col((e) => e.entityType),
      col((e) => e.entityId),
      col((e) => (e.before === undefined ? null : JSON.stringify(e.before))),
      col((e) => (e.after === undefined ? null : JSON.stringify(e.after))),
      traceId,
      requestScope.getStore()?.requestId ?? null,
    ],
  );
}

export interface AuditRow {
  id: string;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before: unknown;
  after: unknown;
  trace_id: string | null;
  request_id: string | null;
  occurred_at: Date;
}
