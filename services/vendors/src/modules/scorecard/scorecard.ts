import type { EntityManager } from 'typeorm';
import { badInput } from '@commonhold/kit';

/** The window of `ProgrammeKpis` in days (collections validates it too; a direct `_entities` call is checked here). */
export function windowStart(days: number, now = new Date()): Date {
  if (!Number.isInteger(days) || days < 1 || days > 366) throw badInput('days', 'days must be a whole number from 1 to 366');
  return new Date(now.getTime() - days * 86_400_000);
}

/**
 * SLA breaches in the window, counted as `vendor_sla_breaches_total` counts them: against the work
 * order's own due times when it was accepted or completed (work-order.ts `slaBreach`: strictly after
 * the due time, never without one).
 */
export async function slaBreaches(m: EntityManager, tenantId: string, since: Date): Promise<{ vendorSlaResponseBreaches: number; vendorSlaCompletionBreaches: number }> {
  const [row] = (await m.query(
    `SELECT count(*) FILTER (WHERE accepted_at >= $2 AND response_due_at IS NOT NULL AND accepted_at > response_due_at)::int AS response,
            count(*) FILTER (WHERE completed_at >= $2 AND completion_due_at IS NOT NULL AND completed_at > completion_due_at)::int AS completion
       FROM work_orders
      WHERE tenant_id = $1`,
    [tenantId, since],
  )) as { response: number; completion: number }[];
  return { vendorSlaResponseBreaches: row?.response ?? 0, vendorSlaCompletionBreaches: row?.completion ?? 0 };
}
