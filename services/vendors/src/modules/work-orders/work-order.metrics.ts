import { Counter, type Registry } from 'prom-client';

/** vendors' domain metrics, one set per service registry (ARCHITECTURE §7: vendor SLA breaches). */
export interface VendorMetrics {
  slaBreaches: Counter<'kind'>;
}

const byRegistry = new WeakMap<Registry, VendorMetrics>();

export function vendorMetrics(registry: Registry): VendorMetrics {
  let m = byRegistry.get(registry);
  if (!m) {
    m = {
      slaBreaches: new Counter({
        name: 'vendor_sla_breaches_total',
        help: 'Vendor SLA breaches by kind: response (accepted after the response deadline) or completion (completed after the due date)',
        labelNames: ['kind'],
        registers: [registry],
      }),
    };
    // Both series exist from the start, so rates and the scorecard read 0 rather than nothing.
    m.slaBreaches.inc({ kind: 'response' }, 0);
    m.slaBreaches.inc({ kind: 'completion' }, 0);
    byRegistry.set(registry, m);
  }
  return m;
}
