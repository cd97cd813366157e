import type { EntityManager } from 'typeorm';
import type { RequirementStatus, RequirementType } from './requirement';

export interface RequirementRow {
  id: string;
  tenantId: string;
  requestId: string;
  type: RequirementType;
  name: string;
  dueDate: string;
  finalReport: boolean;
  status: RequirementStatus;
  remindDaysBefore: number;
  reminderEmail: string | null;
  remindedAt: Date | null;
  approvedAt: Date | null;
  createdAt: Date;
}

const COLUMNS = `id, tenant_id AS "tenantId", request_id AS "requestId", type, name, due_date::text AS "dueDate", final_report AS "finalReport", status,
  remind_days_before AS "remindDaysBefore", reminder_email AS "reminderEmail", reminded_at AS "remindedAt", approved_at AS "approvedAt", created_at AS "createdAt"`;

export async function findRequirement(m: EntityManager, tenantId: string, id: string, opts: { lock?: boolean } = {}): Promise<RequirementRow | null> {
  const [row] = await m.query(`SELECT ${COLUMNS} FROM grant_requirements WHERE tenant_id = $1 AND id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
  return row ?? null;
}

export function requirementsOf(m: EntityManager, tenantId: string, requestId: string): Promise<RequirementRow[]> {
  return m.query(`SELECT ${COLUMNS} FROM grant_requirements WHERE tenant_id = $1 AND request_id = $2 ORDER BY due_date, created_at, id`, [tenantId, requestId]);
}

export async function insertRequirement(m: EntityManager, r: Omit<RequirementRow, 'createdAt' | 'remindedAt' | 'approvedAt' | 'status'>, now: Date): Promise<void> {
  await m.query(
    `INSERT INTO grant_requirements (id, tenant_id, request_id, type, name, due_date, final_report, status, remind_days_before, reminder_email, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'OPEN', $8, $9, $10)`,
    [r.id, r.tenantId, r.requestId, r.type, r.name, r.dueDate, r.finalReport, r.remindDaysBefore, r.reminderEmail, now],
  );
}

export async function setRequirementStatus(m: EntityManager, tenantId: string, id: string, status: RequirementStatus, now: Date): Promise<void> {
  await m.query(`UPDATE grant_requirements SET status = $3, approved_at = CASE WHEN $3 = 'APPROVED' THEN $4::timestamptz ELSE NULL END WHERE tenant_id = $1 AND id = $2`, [tenantId, id, status, now]);
}

export async function markReminded(m: EntityManager, tenantId: string, id: string, now: Date): Promise<boolean> {
  const rows = await m.query(`UPDATE grant_requirements SET reminded_at = $3 WHERE tenant_id = $1 AND id = $2 AND reminded_at IS NULL RETURNING id`, [tenantId, id, now]);
  return rows.length > 0;
}
