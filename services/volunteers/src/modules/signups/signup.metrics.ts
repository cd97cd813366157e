import { Counter, type Registry } from 'prom-client';

/** volunteers' domain metrics of signups (drawn on the Domain dashboard, packages/observability). */
export interface SignupMetrics {
  signups: Counter<'source' | 'outcome'>;
}

const byRegistry = new WeakMap<Registry, SignupMetrics>();

/** The signup metrics of a service's registry, created once with a zero series per label pair (so rates and ratios exist before the first signup). */
export function signupMetrics(registry: Registry): SignupMetrics {
  const hit = byRegistry.get(registry);
  if (hit) return hit;
  const signups = new Counter({
    name: 'volunteer_signups_total',
    help: 'Shift signups by source (staff|public) and outcome (placed|waitlisted)',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  for (const source of ['staff', 'public']) for (const outcome of ['placed', 'waitlisted']) signups.inc({ source, outcome }, 0);
  const m = { signups };
  byRegistry.set(registry, m);
  return m;
}
