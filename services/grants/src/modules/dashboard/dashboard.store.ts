import type { EntityManager } from 'typeorm';

export async function pipeline(m: EntityManager, tenantId: string): Promise<{ status: string; count: number; currency: string; requestedMinor: number }[]> {
  const rows = await m.query(
    `SELECT status, currency, count(*)::int AS count, sum(requested_minor)::bigint AS requested FROM grant_requests WHERE tenant_id = $1 GROUP BY status, currency ORDER BY status, currency`,
    [tenantId],
  );
  return rows.map((r: any) => ({ status: r.status, count: r.count, currency: String(r.currency).trim(), requestedMinor: Number(r.requested) }));
}

export async function awardedVsPaid(m: EntityManager, tenantId: string): Promise<{ currency: string; awardedMinor: number; paidMinor: number }[]> {
  const rows = await m.query(
    `SELECT g.currency, sum(g.awarded_minor)::bigint AS awarded,
            coalesce((SELECT sum(d.amount_minor) FROM grant_disbursements d WHERE d.tenant_id = $1 AND d.status = 'PAID' AND d.currency = g.currency), 0)::bigint AS paid
       FROM grant_requests g WHERE g.tenant_id = $1 AND g.awarded_minor IS NOT NULL GROUP BY g.currency ORDER BY g.currency`,
    [tenantId],
  );
  return rows.map((r: any) => ({ currency: String(r.currency).trim(), awardedMinor: Number(r.awarded), paidMinor: Number(r.paid) }));
}

export function upcomingDeliverables(m: EntityManager, tenantId: string, today: string, days: number) {
  return m.query(
    `SELECT id, tenant_id AS "tenantId", request_id AS "requestId", type, name, due_date::text AS "dueDate", final_report AS "finalReport", status,
            remind_days_before AS "remindDaysBefore", reminder_email AS "reminderEmail", reminded_at AS "remindedAt", approved_at AS "approvedAt", created_at AS "createdAt"
       FROM grant_requirements WHERE tenant_id = $1 AND status <> 'APPROVED' AND due_date <= ($2::date + $3::int) ORDER BY due_date, id LIMIT 200`,
    [tenantId, today, days],
  );
}
