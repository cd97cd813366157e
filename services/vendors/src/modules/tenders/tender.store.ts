import type { EntityManager } from 'typeorm';
import type { TenderStatus } from './tender';

export interface TenderRow {
  id: string;
  work_order_id: string;
  building_id: string;
  category: string;
  title: string;
  currency: string;
  status: TenderStatus;
  awarded_offer_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface OfferRow {
  id: string;
  tender_id: string;
  vendor_id: string;
  price_minor: string;
  currency: string;
  duration_days: number;
  valid_until: string;
  notes: string | null;
  status: 'submitted' | 'awarded' | 'not_awarded';
  created_at: Date;
}

const TENDER_COLS = 'id, work_order_id, building_id, category, title, currency, status, awarded_offer_id, created_at, updated_at';
const OFFER_COLS = `id, tender_id, vendor_id, price_minor, currency, duration_days, to_char(valid_until, 'YYYY-MM-DD') AS valid_until, notes, status, created_at`;

/** Reads and writes of tenders and offers; tenantId first, row-level security fences tenant and scope. */
export async function insertTender(m: EntityManager, tenantId: string, t: { id: string; workOrderId: string; buildingId: string; category: string; title: string; currency: string; createdBy: string }): Promise<void> {
  await m.query(
    `INSERT INTO tenders (id, tenant_id, work_order_id, building_id, category, title, currency, status, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, 'planned', $8)`,
    [t.id, tenantId, t.workOrderId, t.buildingId, t.category, t.title, t.currency, t.createdBy],
  );
}

export async function findTender(m: EntityManager, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<TenderRow | null> {
  const [row] = await m.query(`SELECT ${TENDER_COLS} FROM tenders WHERE tenant_id = $1 AND id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
  return row ?? null;
}

export async function openTenderOf(m: EntityManager, tenantId: string, workOrderId: string): Promise<TenderRow | null> {
  const [row] = await m.query(`SELECT ${TENDER_COLS} FROM tenders WHERE tenant_id = $1 AND work_order_id = $2 AND status IN ('planned', 'active')`, [tenantId, workOrderId]);
  return row ?? null;
}

export async function pageTenders(m: EntityManager, tenantId: string, status: string | null, after: (string | number)[] | null, take: number): Promise<TenderRow[]> {
  return m.query(
    `SELECT ${TENDER_COLS} FROM tenders WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2)
       AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4::uuid)) ORDER BY created_at DESC, id DESC LIMIT $5`,
    [tenantId, status, after?.[0] ?? null, after?.[1] ?? null, take],
  );
}

export async function setTenderStatus(m: EntityManager, tenantId: string, id: string, status: TenderStatus, awardedOfferId: string | null = null): Promise<void> {
  await m.query(`UPDATE tenders SET status = $3, awarded_offer_id = COALESCE($4, awarded_offer_id), updated_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id, status, awardedOfferId]);
}

export async function invite(m: EntityManager, tenantId: string, t: TenderRow, vendorIds: readonly string[]): Promise<void> {
  await m.query(
    `INSERT INTO tender_invitations (tender_id, vendor_id, tenant_id, building_id) SELECT $1, v, $2, $3 FROM unnest($4::uuid[]) AS v ON CONFLICT DO NOTHING`,
    [t.id, tenantId, t.building_id, vendorIds],
  );
}

export async function invitedVendorIds(m: EntityManager, tenantId: string, tenderId: string): Promise<string[]> {
  return (await m.query(`SELECT vendor_id FROM tender_invitations WHERE tenant_id = $1 AND tender_id = $2 ORDER BY invited_at, vendor_id`, [tenantId, tenderId])).map((r: { vendor_id: string }) => r.vendor_id);
}

/** Inserts the offer; false when the vendor has offered on this tender already. */
export async function insertOffer(m: EntityManager, tenantId: string, o: { id: string; tenderId: string; vendorId: string; buildingId: string; priceMinor: number; currency: string; durationDays: number; validUntil: string; notes: string | null; submittedBy: string }): Promise<boolean> {
  const rows = await m.query(
    `INSERT INTO tender_offers (id, tenant_id, tender_id, vendor_id, building_id, price_minor, currency, duration_days, valid_until, notes, submitted_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (tender_id, vendor_id) DO NOTHING RETURNING id`,
    [o.id, tenantId, o.tenderId, o.vendorId, o.buildingId, o.priceMinor, o.currency, o.durationDays, o.validUntil, o.notes, o.submittedBy],
  );
  return rows.length === 1;
}

export async function offersOf(m: EntityManager, tenantId: string, tenderId: string): Promise<OfferRow[]> {
  return m.query(`SELECT ${OFFER_COLS} FROM tender_offers WHERE tenant_id = $1 AND tender_id = $2 ORDER BY created_at, id`, [tenantId, tenderId]);
}

export async function findOffer(m: EntityManager, tenantId: string, id: string): Promise<OfferRow | null> {
  const [row] = await m.query(`SELECT ${OFFER_COLS} FROM tender_offers WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return row ?? null;
}

export async function settleOffers(m: EntityManager, tenantId: string, tenderId: string, awardedId: string): Promise<void> {
  await m.query(`UPDATE tender_offers SET status = CASE WHEN id = $3 THEN 'awarded' ELSE 'not_awarded' END WHERE tenant_id = $1 AND tender_id = $2`, [tenantId, tenderId, awardedId]);
}
