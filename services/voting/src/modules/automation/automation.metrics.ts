import { Histogram, type Registry } from 'prom-client';

/** voting's domain metric (ARCHITECTURE §7: vote-to-task latency; SLO 99 % under 5 minutes). */
export interface AutomationMetrics {
  voteToTask: Histogram<'action'>;
}

const byRegistry = new WeakMap<Registry, AutomationMetrics>();

/** Buckets around the 300 s objective, so "under 5 minutes" is an exact bucket count. */
export const VOTE_TO_TASK_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800];

export function automationMetrics(registry: Registry): AutomationMetrics {
  let m = byRegistry.get(registry);
  if (!m) {
    m = {
      voteToTask: new Histogram({
        name: 'vote_to_task_seconds',
        help: "Seconds from a vote's close to the work its automation rule created (task, project, or work-order request), by action",
        labelNames: ['action'],
        buckets: VOTE_TO_TASK_BUCKETS,
        registers: [registry],
      }),
    };
    // Zero series per action from the start: dashboards and the SLO ratio have data before the first vote closes.
    for (const action of ['task', 'project', 'work_order']) m.voteToTask.zero({ action });
    byRegistry.set(registry, m);
  }
  return m;
}
