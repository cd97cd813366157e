import { Histogram, type Registry } from 'prom-client';
import type { RequestContext } from '@commonhold/kit';

const histograms = new WeakMap<Registry, Histogram<'query'>>();

/** `grants_dashboard_duration_seconds{query}` on the service's registry (created once). */
export function grantsDashboardHistogram(registry: Registry): Histogram<'query'> {
  let h = histograms.get(registry);
  if (!h) {
    h = new Histogram({
      name: 'grants_dashboard_duration_seconds',
      help: 'Grants dashboard query duration by query (pipeline, conversion, deliverables, awarded_vs_paid)',
      labelNames: ['query'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    histograms.set(registry, h);
  }
  return h;
}

export async function observeDashboard<T>(ctx: RequestContext, query: string, fn: () => Promise<T>): Promise<T> {
  const end = grantsDashboardHistogram(ctx.runtime.metrics.registry).startTimer({ query });
  try {
    return await fn();
  } finally {
    end();
  }
}
