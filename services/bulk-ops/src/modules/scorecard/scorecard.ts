import type { EntityManager } from 'typeorm';
import { badInput } from '@commonhold/kit';

/**
 * Manual office time one bulk-job item replaces, in minutes: finding the apartment, keying one charge
 * or sending one reminder by hand, and checking it (docs/kpis.md). The KPI dashboard uses the same
 * figure (packages/observability `MANUAL_MINUTES_PER_BULK_ITEM`; a test keeps them equal).
 */
export const MANUAL_MINUTES_PER_ITEM = 4;

/** The window of `ProgrammeKpis` in days (collections validates it too; a direct `_entities` call is checked here). */
export function windowStart(days: number, now = new Date()): Date {
  if (!Number.isInteger(days) || days < 1 || days > 366) throw badInput('days', 'days must be a whole number from 1 to 366');
  return new Date(now.getTime() - days * 86_400_000);
}

/** Manager time saved: the tenant's items that succeeded since `since` × the manual minutes per item. */
export async function timeSaved(m: EntityManager, tenantId: string, since: Date): Promise<{ bulkItemsSucceeded: number; manualMinutesPerItem: number; managerHoursSaved: number }> {
  const [row] = (await m.query(`SELECT count(*)::int AS n FROM bulk_job_items WHERE tenant_id = $1 AND status = 'succeeded' AND updated_at >= $2`, [tenantId, since])) as { n: number }[];
  const n = row?.n ?? 0;
  return { bulkItemsSucceeded: n, manualMinutesPerItem: MANUAL_MINUTES_PER_ITEM, managerHoursSaved: (n * MANUAL_MINUTES_PER_ITEM) / 60 };
}
