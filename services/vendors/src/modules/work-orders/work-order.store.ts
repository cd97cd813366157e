import type { EntityManager } from 'typeorm';
import type { WorkOrderStatus } from './work-order';

export interface WorkOrderRow {
  id: string;
  building_id: string;
  vendor_id: string | null;
  request_id: string | null;
  vote_id: string | null;
  rule_id: string | null;
  category: string;
  title: string;
  description: string | null;
  budget_minor: string | null;
  currency: string;
  response_hours: number | null;
  completion_days: number | null;
  status: WorkOrderStatus;
  tender_id: string | null;
  agreed_minor: string | null;
  offered_at: Date | null;
  response_due_at: Date | null;
  accepted_at: Date | null;
  declined_at: Date | null;
  decline_reason: string | null;
  started_at: Date | null;
  completion_due_at: Date | null;
  completed_at: Date | null;
  completion_notes: string | null;
  invoice_minor: string | null;
  verified_at: Date | null;
  rating: number | null;
  verification_notes: string | null;
  closed_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export interface DocumentRow {
  id: string;
  work_order_id: string;
  kind: 'estimate' | 'invoice' | 'completion';
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  uploaded_by: string;
  created_at: Date;
}

export interface NewWorkOrder {
  id: string;
  buildingId: string;
  requestId: string | null;
  voteId: string | null;
  ruleId: string | null;
  category: string;
  title: string;
  description: string | null;
  budgetMinor: number | null;
  currency: string;
  responseHours: number | null;
  completionDays: number | null;
  createdBy: string;
  traceId: string | null;
  createdAt: Date;
}

/** Reads and writes of work orders; tenantId first, row-level security fences tenant and scope. */

/** Inserts the work order; false when a work order for the same request already exists (a repeated command). */
export async function insertWorkOrder(m: EntityManager, tenantId: string, w: NewWorkOrder): Promise<boolean> {
  const rows = await m.query(
    `INSERT INTO work_orders (id, tenant_id, building_id, request_id, vote_id, rule_id, category, title, description, budget_minor, currency, response_hours, completion_days, status, created_by, trace_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'requested', $14, $15, $16, $16)
     ON CONFLICT (tenant_id, request_id) WHERE request_id IS NOT NULL DO NOTHING RETURNING id`,
    [w.id, tenantId, w.buildingId, w.requestId, w.voteId, w.ruleId, w.category, w.title, w.description, w.budgetMinor, w.currency, w.responseHours, w.completionDays, w.createdBy, w.traceId, w.createdAt],
  );
  return rows.length === 1;
}

export async function findWorkOrder(m: EntityManager, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<WorkOrderRow | null> {
  const [row] = await m.query(`SELECT * FROM work_orders WHERE tenant_id = $1 AND id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
  return row ?? null;
}

export async function findWorkOrders(m: EntityManager, tenantId: string, ids: readonly string[]): Promise<WorkOrderRow[]> {
  return m.query(`SELECT * FROM work_orders WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, ids]);
}

export async function pageWorkOrders(m: EntityManager, tenantId: string, f: { status: string | null; buildingId: string | null }, after: (string | number)[] | null, take: number): Promise<WorkOrderRow[]> {
  return m.query(
    `SELECT * FROM work_orders WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR building_id = $3)
       AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5::uuid)) ORDER BY created_at DESC, id DESC LIMIT $6`,
    [tenantId, f.status, f.buildingId, after?.[0] ?? null, after?.[1] ?? null, take],
  );
}

const COLUMNS = new Set([
  'vendor_id', 'status', 'tender_id', 'agreed_minor', 'offered_at', 'response_due_at', 'response_hours', 'completion_days', 'accepted_at', 'declined_at', 'decline_reason',
  'started_at', 'completion_due_at', 'completed_at', 'completion_notes', 'invoice_minor', 'verified_at', 'rating', 'verification_notes', 'closed_at', 'cancelled_at', 'cancel_reason',
]);

/** Writes the changed columns of a transition (names checked against a fixed list). */
export async function updateWorkOrder(m: EntityManager, tenantId: string, id: string, changes: Record<string, unknown>): Promise<void> {
  const keys = Object.keys(changes);
  for (const k of keys) if (!COLUMNS.has(k)) throw new Error(`updateWorkOrder: unknown column ${k}`);
  const sets = keys.map((k, i) => `${k} = $${i + 3}`);
  await m.query(`UPDATE work_orders SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE tenant_id = $1 AND id = $2`, [tenantId, id, ...keys.map((k) => changes[k])]);
}

/** The KPI fact of (work order, vendor): opened when the work is offered to that vendor. */
export async function openKpiFact(m: EntityManager, tenantId: string, f: { workOrderId: string; vendorId: string; buildingId: string; offeredAt: Date; responseDueAt: Date | null; awardedMinor: number | null }): Promise<void> {
  await m.query(
    `INSERT INTO vendor_kpi_facts (tenant_id, work_order_id, vendor_id, building_id, offered_at, response_due_at, awarded_minor) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (work_order_id, vendor_id) DO UPDATE SET offered_at = EXCLUDED.offered_at, response_due_at = EXCLUDED.response_due_at, awarded_minor = EXCLUDED.awarded_minor,
       accepted_at = NULL, declined_at = NULL`,
    [tenantId, f.workOrderId, f.vendorId, f.buildingId, f.offeredAt, f.responseDueAt, f.awardedMinor],
  );
}

const FACT_COLUMNS = new Set(['accepted_at', 'declined_at', 'completion_due_at', 'completed_at', 'invoice_minor', 'rating', 'verified_at']);

export async function updateKpiFact(m: EntityManager, tenantId: string, workOrderId: string, vendorId: string, changes: Record<string, unknown>): Promise<void> {
  const keys = Object.keys(changes);
  for (const k of keys) if (!FACT_COLUMNS.has(k)) throw new Error(`updateKpiFact: unknown column ${k}`);
  await m.query(
    `UPDATE vendor_kpi_facts SET ${keys.map((k, i) => `${k} = $${i + 4}`).join(', ')} WHERE tenant_id = $1 AND work_order_id = $2 AND vendor_id = $3`,
    [tenantId, workOrderId, vendorId, ...keys.map((k) => changes[k])],
  );
}

export async function insertDocument(m: EntityManager, tenantId: string, d: { id: string; workOrderId: string; buildingId: string; vendorId: string | null; kind: string; fileName: string; contentType: string; sizeBytes: number; sha256: string; storageKey: string; uploadedBy: string }): Promise<void> {
  await m.query(
    `INSERT INTO work_order_documents (id, tenant_id, work_order_id, building_id, vendor_id, kind, file_name, content_type, size_bytes, sha256, storage_key, uploaded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [d.id, tenantId, d.workOrderId, d.buildingId, d.vendorId, d.kind, d.fileName, d.contentType, d.sizeBytes, d.sha256, d.storageKey, d.uploadedBy],
  );
}

export async function documentsOf(m: EntityManager, tenantId: string, workOrderIds: readonly string[]): Promise<DocumentRow[]> {
  return m.query(`SELECT * FROM work_order_documents WHERE tenant_id = $1 AND work_order_id = ANY($2::uuid[]) ORDER BY created_at, id`, [tenantId, workOrderIds]);
}

export async function findDocument(m: EntityManager, tenantId: string, id: string): Promise<DocumentRow | null> {
  const [row] = await m.query(`SELECT * FROM work_order_documents WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return row ?? null;
}
