import type { EntityManager } from 'typeorm';
import { badInput } from '@commonhold/kit';

/** The vote-to-task objective: 99 % of rule executions within this many seconds of the close. */
export const VOTE_TO_TASK_TARGET_SECONDS = 300;

/** The window of `ProgrammeKpis` in days (collections validates it too; a direct `_entities` call is checked here). */
export function windowStart(days: number, now = new Date()): Date {
  if (!Number.isInteger(days) || days < 1 || days > 366) throw badInput('days', 'days must be a whole number from 1 to 366');
  return new Date(now.getTime() - days * 86_400_000);
}

export interface VoteToTaskKpis {
  voteToTaskCount: number;
  voteToTaskP99Seconds: number | null;
  voteToTaskWithinTarget: number | null;
}

/** Vote to task over the tenant's rule executions of votes closed since `since` (RLS fences the tenant). */
export async function voteToTaskKpis(m: EntityManager, tenantId: string, since: Date): Promise<VoteToTaskKpis> {
  const [row] = (await m.query(
    `SELECT count(*)::int AS n,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM executed_at - vote_closed_at)) AS p99,
            count(*) FILTER (WHERE executed_at - vote_closed_at <= make_interval(secs => $3))::int AS within
       FROM automation_executions
      WHERE tenant_id = $1 AND vote_closed_at >= $2`,
    [tenantId, since, VOTE_TO_TASK_TARGET_SECONDS],
  )) as { n: number; p99: number | null; within: number }[];
  const n = row?.n ?? 0;
  return {
    voteToTaskCount: n,
    voteToTaskP99Seconds: n === 0 || row?.p99 == null ? null : Math.max(0, Number(row.p99)),
    voteToTaskWithinTarget: n === 0 ? null : row!.within / n,
  };
}
