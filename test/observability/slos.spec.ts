// The one SLO definition per service: complete, measurable exactly with the kit's histogram, and
// in agreement with the umbrella chart's values (which feed the canary analysis its budget).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createMetrics } from '@commonhold/kit';
import { loadRegistry } from '../../scripts/platform/registry';
import { BURN_RATE_ALERTS, HISTOGRAM_BUCKETS_SECONDS, SERVICE_SLOS, SLI_WINDOWS, budgetSpentByAlert, defineSlo, errorBudgetOf, sloFor } from '../../packages/observability/src/slos';

const REPO = join(__dirname, '..', '..');

describe('SERVICE_SLOS', () => {
  it('defines an SLO for the gateway and every subgraph in services/', () => {
    const deployables = ['gateway', ...readdirSync(join(REPO, 'services'), { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(REPO, 'services', d.name, 'src', 'main.ts'))).map((d) => d.name)];
    expect(SERVICE_SLOS.map((s) => s.service).sort()).toEqual(deployables.sort());
  });

  it('holds the numbers each service declares in its service.json', () => {
    expect(SERVICE_SLOS.map((s) => [s.service, s.availabilityObjective, s.latencyObjective, s.latencyBudgetSeconds])).toEqual(
      loadRegistry().map((m) => [m.name, m.slo.availabilityObjective, m.slo.latencyObjective, m.slo.latencyBudgetSeconds]),
    );
    expect(sloFor('gateway').latencyBudgetSeconds).toBe(0.5);
    expect(errorBudgetOf(sloFor('gateway'), 'availability')).toBe(0.005);
    expect(errorBudgetOf(sloFor('gateway'), 'latency')).toBe(0.01);
  });

  it('uses the kit histogram buckets exactly', () => {
    const m = createMetrics('bucket-probe');
    expect((m.httpRequestDuration as unknown as { upperBounds: number[] }).upperBounds).toEqual([...HISTOGRAM_BUCKETS_SECONDS]);
  });

  it('puts every latency budget on a bucket boundary, and refuses one between buckets', () => {
    for (const s of SERVICE_SLOS) expect(HISTOGRAM_BUCKETS_SECONDS).toContain(s.latencyBudgetSeconds);
    expect(() => defineSlo({ service: 'x', availabilityObjective: 0.995, latencyObjective: 0.99, latencyBudgetSeconds: 0.3 })).toThrow(/0.3 is not a histogram bucket boundary/);
    expect(() => defineSlo({ service: 'x', availabilityObjective: 99.5, latencyObjective: 0.99, latencyBudgetSeconds: 0.25 })).toThrow(/availabilityObjective 99.5 must be a ratio/);
  });
});

describe('burn-rate policy (SRE workbook)', () => {
  it('pages at 14.4x over 1h/5m and 6x over 6h/30m, tickets at 1x over 3d/6h', () => {
    expect(BURN_RATE_ALERTS.map((p) => [p.kind, p.severity, p.burnRate, p.longWindow, p.shortWindow])).toEqual([
      ['FastBurn', 'page', 14.4, '1h', '5m'],
      ['SlowBurn', 'page', 6, '6h', '30m'],
      ['BudgetErosion', 'ticket', 1, '3d', '6h'],
    ]);
    expect(BURN_RATE_ALERTS.map((p) => Number(budgetSpentByAlert(p).toFixed(6)))).toEqual([0.02, 0.05, 0.1]);
  });

  it('records every window an alert reads, and only those', () => {
    expect([...SLI_WINDOWS].sort()).toEqual([...new Set(BURN_RATE_ALERTS.flatMap((p) => [p.longWindow, p.shortWindow]))].sort());
  });
});

describe('charts/commonhold values', () => {
  // The umbrella chart passes <service>.slo.latencyBudgetSeconds to the canary AnalysisTemplate;
  // it must be the SLO's budget, or canary and SLO would judge latency differently.
  const files = ['values.yaml', 'values-production.yaml'].map((f) => join(REPO, 'charts', 'commonhold', f));

  it('exist (the chart is where the canary reads its budget)', () => {
    expect(existsSync(files[0]!)).toBe(true);
  });

  it.each(SERVICE_SLOS.map((s) => [s.service, s] as const))('agree with slos.ts for %s', (service, slo) => {
    const values = parse(readFileSync(files[0]!, 'utf8')) as Record<string, { slo?: { latencyBudgetSeconds?: number; availabilityObjective?: number } }>;
    expect(values[service]?.slo).toEqual({ latencyBudgetSeconds: slo.latencyBudgetSeconds, availabilityObjective: slo.availabilityObjective });
    // An overlay may leave slo alone; if it sets it, it must agree too.
    for (const overlay of files.slice(1).filter(existsSync)) {
      const o = (parse(readFileSync(overlay, 'utf8')) ?? {}) as Record<string, { slo?: Record<string, number> }>;
      if (o[service]?.slo !== undefined) expect({ overlay, slo: o[service]!.slo }).toEqual({ overlay, slo: { latencyBudgetSeconds: slo.latencyBudgetSeconds, availabilityObjective: slo.availabilityObjective } });
    }
  });
});
