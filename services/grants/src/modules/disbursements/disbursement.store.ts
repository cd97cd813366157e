import type { EntityManager } from 'typeorm';
import type { DisbursementStatus, Totals } from './disbursement';

export interface DisbursementRow {
  id: string;
  tenantId: string;
  requestId: string;
  amountMinor: number;
  currency: string;
  scheduledDate: string;
  status: DisbursementStatus;
  paidOn: string | null;
  createdAt: Date;
}

const COLUMNS = `id, tenant_id, request_id, amount_minor, currency, scheduled_date::text AS scheduled_date, status, paid_on::text AS paid_on, created_at`;
const toRow = (r: Record<string, any>): DisbursementRow => ({
  id: r.id,
  tenantId: r.tenant_id,
  requestId: r.request_id,
  amountMinor: Number(r.amount_minor),
  currency: String(r.currency).trim(),
  scheduledDate: r.scheduled_date,
  status: r.status,
  paidOn: r.paid_on,
  createdAt: r.created_at,
});

export async function findDisbursement(m: EntityManager, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<DisbursementRow | null> {
  const [row] = await m.query(`SELECT ${COLUMNS} FROM grant_disbursements WHERE tenant_id = $1 AND id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
  return row ? toRow(row) : null;
}

export async function disbursementsOf(m: EntityManager, tenantId: string, requestId: string): Promise<DisbursementRow[]> {
  const rows = await m.query(`SELECT ${COLUMNS} FROM grant_disbursements WHERE tenant_id = $1 AND request_id = $2 ORDER BY scheduled_date, created_at, id`, [tenantId, requestId]);
  return rows.map(toRow);
}

export async function insertDisbursement(m: EntityManager, d: Omit<DisbursementRow, 'createdAt' | 'paidOn' | 'status'>, now: Date): Promise<void> {
  await m.query(
    `INSERT INTO grant_disbursements (id, tenant_id, request_id, amount_minor, currency, scheduled_date, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'SCHEDULED', $7, $7)`,
    [d.id, d.tenantId, d.requestId, d.amountMinor, d.currency, d.scheduledDate, now],
  );
}

export async function setDisbursementStatus(m: EntityManager, tenantId: string, id: string, status: DisbursementStatus, paidOn: string | null, now: Date): Promise<void> {
  await m.query(`UPDATE grant_disbursements SET status = $3, paid_on = $4, updated_at = $5 WHERE tenant_id = $1 AND id = $2`, [tenantId, id, status, paidOn, now]);
}

/** The award and its disbursement sums (OFM's Total Disbursed, Total Cancelled, and what is scheduled and unpaid). */
export async function totalsOf(m: EntityManager, tenantId: string, requestId: string, awardedMinor: number | null): Promise<Totals> {
  const [t] = await m.query(
    `SELECT coalesce(sum(amount_minor) FILTER (WHERE status = 'PAID'), 0)::bigint AS disbursed,
            coalesce(sum(amount_minor) FILTER (WHERE status = 'CANCELLED'), 0)::bigint AS cancelled,
            coalesce(sum(amount_minor) FILTER (WHERE status IN ('SCHEDULED', 'PENDING_APPROVAL', 'APPROVED')), 0)::bigint AS open
       FROM grant_disbursements WHERE tenant_id = $1 AND request_id = $2`,
    [tenantId, requestId],
  );
  return { awardedMinor: awardedMinor ?? 0, disbursedMinor: Number(t.disbursed), cancelledMinor: Number(t.cancelled), openMinor: Number(t.open) };
}
