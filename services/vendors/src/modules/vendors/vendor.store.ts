import type { EntityManager } from 'typeorm';
import type { Credential, CredentialStatus, VendorFacts } from './vendor';
import type { KpiFact } from './kpi';

export interface VendorRow {
  id: string;
  name: string;
  email: string | null;
  trades: string[];
  building_ids: string[];
  active: boolean;
  response_hours: number;
  completion_days: number;
  created_at: Date;
}

export interface CredentialRow {
  id: string;
  vendor_id: string;
  kind: string;
  status: CredentialStatus;
  expires_on: string | null;
  reference: string | null;
  updated_at: Date;
}

const VENDOR_COLS = 'id, name, email, trades, building_ids::text[] AS building_ids, active, response_hours, completion_days, created_at';

/** Reads and writes of vendors; tenantId first, row-level security fences tenant and scope. */
export async function insertVendor(m: EntityManager, tenantId: string, v: { id: string; name: string; email: string | null; trades: string[]; buildingIds: string[]; responseHours: number; completionDays: number; createdBy: string }): Promise<void> {
  await m.query(
    `INSERT INTO vendors (id, tenant_id, name, email, trades, building_ids, response_hours, completion_days, created_by) VALUES ($1, $2, $3, $4, $5, $6::uuid[], $7, $8, $9)`,
    [v.id, tenantId, v.name, v.email, v.trades, v.buildingIds, v.responseHours, v.completionDays, v.createdBy],
  );
}

export async function updateVendorRow(m: EntityManager, tenantId: string, id: string, v: { name: string; email: string | null; trades: string[]; buildingIds: string[]; responseHours: number; completionDays: number; active: boolean }): Promise<void> {
  await m.query(
    `UPDATE vendors SET name = $3, email = $4, trades = $5, building_ids = $6::uuid[], response_hours = $7, completion_days = $8, active = $9, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, v.name, v.email, v.trades, v.buildingIds, v.responseHours, v.completionDays, v.active],
  );
}

export async function findVendor(m: EntityManager, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<VendorRow | null> {
  const [row] = await m.query(`SELECT ${VENDOR_COLS} FROM vendors WHERE tenant_id = $1 AND id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
  return row ?? null;
}

export async function findVendors(m: EntityManager, tenantId: string, ids: readonly string[]): Promise<VendorRow[]> {
  return m.query(`SELECT ${VENDOR_COLS} FROM vendors WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, ids]);
}

export async function pageVendors(m: EntityManager, tenantId: string, trade: string | null, after: (string | number)[] | null, take: number): Promise<VendorRow[]> {
  return m.query(
    `SELECT ${VENDOR_COLS} FROM vendors WHERE tenant_id = $1 AND ($2::text IS NULL OR $2 = ANY(trades))
       AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid)) ORDER BY created_at DESC, id DESC LIMIT $5`,
    [tenantId, trade, after?.[0] ?? null, after?.[1] ?? null, take],
  );
}

export async function vendorsOfTrade(m: EntityManager, tenantId: string, trade: string | null): Promise<VendorRow[]> {
  return m.query(`SELECT ${VENDOR_COLS} FROM vendors WHERE tenant_id = $1 AND active AND ($2::text IS NULL OR $2 = ANY(trades)) ORDER BY id`, [tenantId, trade]);
}

export async function upsertCredential(m: EntityManager, tenantId: string, c: { id: string; vendorId: string; kind: string; status: CredentialStatus; expiresOn: string | null; reference: string | null }): Promise<void> {
  await m.query(
    `INSERT INTO vendor_credentials (id, tenant_id, vendor_id, kind, status, expires_on, reference) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (vendor_id, kind) DO UPDATE SET status = EXCLUDED.status, expires_on = EXCLUDED.expires_on, reference = EXCLUDED.reference, updated_at = now()`,
    [c.id, tenantId, c.vendorId, c.kind, c.status, c.expiresOn, c.reference],
  );
}

export async function credentialsOf(m: EntityManager, tenantId: string, vendorIds: readonly string[]): Promise<CredentialRow[]> {
  return m.query(
    `SELECT id, vendor_id, kind, status, to_char(expires_on, 'YYYY-MM-DD') AS expires_on, reference, updated_at FROM vendor_credentials
      WHERE tenant_id = $1 AND vendor_id = ANY($2::uuid[]) ORDER BY kind`,
    [tenantId, vendorIds],
  );
}

export const toCredential = (c: CredentialRow): Credential => ({ kind: c.kind, status: c.status, expiresOn: c.expires_on });

/** What eligibility needs of a vendor. */
export async function vendorFacts(m: EntityManager, tenantId: string, v: VendorRow): Promise<VendorFacts> {
  const creds = await credentialsOf(m, tenantId, [v.id]);
  return { active: v.active, trades: v.trades, buildingIds: v.building_ids, credentials: creds.map(toCredential) };
}

/** The KPI facts of the vendors since `since` (the rolling window), by vendor. */
export async function kpiFacts(m: EntityManager, tenantId: string, vendorIds: readonly string[], since: Date): Promise<Map<string, KpiFact[]>> {
  const rows: Record<string, any>[] = await m.query(
    `SELECT vendor_id, offered_at, accepted_at, response_due_at, completed_at, completion_due_at, awarded_minor, invoice_minor, rating, verified_at
       FROM vendor_kpi_facts WHERE tenant_id = $1 AND vendor_id = ANY($2::uuid[]) AND offered_at >= $3`,
    [tenantId, vendorIds, since],
  );
  const out = new Map<string, KpiFact[]>(vendorIds.map((id) => [id, []]));
  for (const r of rows) {
    out.get(r.vendor_id)?.push({
      offeredAt: r.offered_at,
      acceptedAt: r.accepted_at,
      responseDueAt: r.response_due_at,
      completedAt: r.completed_at,
      completionDueAt: r.completion_due_at,
      awardedMinor: r.awarded_minor === null ? null : Number(r.awarded_minor),
      invoiceMinor: r.invoice_minor === null ? null : Number(r.invoice_minor),
      rating: r.rating,
      verified: r.verified_at !== null,
    });
  }
  return out;
}
