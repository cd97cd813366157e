import type { EntityManager } from 'typeorm';

export interface OverviewRow {
  active_jobs: number;
  completed_jobs: number;
  completed_with_errors_jobs: number;
  failed_jobs: number;
  item_failures: number;
  average_completion_seconds: number | null;
}

/** The widgets' figures in one round trip; RLS narrows them to the caller's tenant and buildings. */
export async function overview(m: EntityManager, tenantId: string, since: Date): Promise<OverviewRow> {
  const [r] = await m.query(
    `SELECT
       (SELECT count(*)::int FROM bulk_jobs WHERE tenant_id = $1 AND status IN ('queued', 'in_progress')) AS active_jobs,
       (SELECT count(*)::int FROM bulk_jobs WHERE tenant_id = $1 AND status = 'completed' AND completed_at >= $2) AS completed_jobs,
       (SELECT count(*)::int FROM bulk_jobs WHERE tenant_id = $1 AND status = 'completed_with_errors' AND completed_at >= $2) AS completed_with_errors_jobs,
       (SELECT count(*)::int FROM bulk_jobs WHERE tenant_id = $1 AND status = 'failed' AND completed_at >= $2) AS failed_jobs,
       (SELECT count(*)::int FROM bulk_job_errors WHERE tenant_id = $1 AND created_at >= $2) AS item_failures,
       (SELECT avg(extract(epoch FROM completed_at - queued_at))::float8 FROM bulk_jobs
         WHERE tenant_id = $1 AND queued_at IS NOT NULL AND completed_at >= $2 AND status IN ('completed', 'completed_with_errors', 'failed')) AS average_completion_seconds`,
    [tenantId, since],
  );
  return r;
}
