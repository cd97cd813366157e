import { randomUUID } from 'node:crypto';
import type { Target } from './proxy';

/** One GraphQL request a workload wants sent, and what to learn from its answer. */
export interface Operation {
  kind: string;
  query: string;
  variables?: Record<string, unknown>;
  token: string;
  onData?: (data: any) => void;
}

export interface Workload {
  describe: string;
  next(): Operation;
}

type Outcome = 'ok' | 'graphqlError' | 'http5xx' | 'httpOther' | 'network';

export class SideStats {
  total = 0;
  ok = 0;
  graphqlError = 0;
  http5xx = 0;
  httpOther = 0;
  network = 0;
  readonly latenciesMs: number[] = [];

  record(outcome: Outcome, ms: number): void {
    this.total++;
    this[outcome]++;
    this.latenciesMs.push(ms);
  }

  p95(): number {
    return p95Of(this.latenciesMs);
  }

  summary(): string {
    if (!this.total) return '0 requests';
    const bad = this.http5xx + this.network;
    return `${this.total} req, ${this.ok} ok, ${this.graphqlError} graphql-errors, ${this.http5xx} http-5xx (${((100 * bad) / this.total).toFixed(1)} % bad), p95 ${this.p95().toFixed(0)} ms`;
  }
}

export const p95Of = (xs: number[]): number => {
  if (!xs.length) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
};

export class TrafficStats {
  readonly byTarget: Record<Target | 'unknown', SideStats> = { stable: new SideStats(), canary: new SideStats(), unknown: new SideStats() };
  readonly byKind = new Map<string, number>();
  /** Client-side latency per operation kind, both sides together. */
  readonly kindLatencyMs = new Map<string, number[]>();
  get total(): number {
    return this.byTarget.stable.total + this.byTarget.canary.total + this.byTarget.unknown.total;
  }
}

/**
 * Warm-up straight at one build (not through the split): `concurrency` closed-loop workers until
 * `total` requests or `maxMs` have passed, so the first analysis window does not measure a JIT-cold
 * process. The drill then waits until these requests are outside every analysis window.
 */
export async function warmUp(url: string, workload: Workload, total: number, concurrency: number, maxMs: number): Promise<SideStats> {
  const stats = new SideStats();
  const deadline = Date.now() + maxMs;
  let issued = 0;
  const worker = async () => {
    while (issued < total && Date.now() < deadline) {
      issued++;
      const op = workload.next();
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${op.token}` },
          body: JSON.stringify({ query: op.query, variables: op.variables }),
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await res.json().catch(() => ({}))) as { data?: unknown; errors?: unknown[] };
        outcome = res.status >= 500 ? 'http5xx' : res.status !== 200 ? 'httpOther' : body.errors?.length ? 'graphqlError' : 'ok';
        if (outcome === 'ok') op.onData?.(body.data);
      } catch {
        outcome = 'network';
      }
      stats.record(outcome, performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return stats;
}

/**
 * Open-loop traffic at a fixed rate (requests are started on schedule whether or not earlier ones
 * have answered, as real clients do), bounded by `maxInFlight`. Outcomes are counted per side of
 * the split from the proxy's `x-drill-target` header, per step (`takeStep`) and overall.
 */
export class TrafficDriver {
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private started = 0;
  private sent = 0;
  private dropped = 0;
  private step = new TrafficStats();
  readonly overall = new TrafficStats();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly url: string,
    private readonly workload: Workload,
    private readonly rps: number,
    private readonly maxInFlight = 200,
  ) {}

  start(): void {
    this.started = Date.now();
    this.sent = 0;
    this.timer = setInterval(() => {
      const due = Math.floor(((Date.now() - this.started) / 1000) * this.rps);
      while (this.sent < due) {
        this.sent++;
        if (this.inFlight >= this.maxInFlight) {
          this.dropped++;
          continue;
        }
        const p = this.send().finally(() => this.pending.delete(p));
        this.pending.add(p);
      }
    }, 10);
  }

  /** Stats since the previous call (one step of the rollout). */
  takeStep(): TrafficStats {
    const s = this.step;
    this.step = new TrafficStats();
    return s;
  }

  get droppedForBackpressure(): number {
    return this.dropped;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.pending]);
  }

  private async send(): Promise<void> {
    this.inFlight++;
    const op = this.workload.next();
    const t0 = performance.now();
    let target: Target | 'unknown' = 'unknown';
    let outcome: Outcome;
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${op.token}`, 'x-request-id': randomUUID() },
        body: JSON.stringify({ query: op.query, variables: op.variables }),
        signal: AbortSignal.timeout(10_000),
      });
      target = (res.headers.get('x-drill-target') as Target | null) ?? 'unknown';
      const text = await res.text();
      if (res.status >= 500) outcome = 'http5xx';
      else if (res.status !== 200) outcome = 'httpOther';
      else {
        const body = JSON.parse(text) as { data?: unknown; errors?: unknown[] };
        outcome = body.errors?.length ? 'graphqlError' : 'ok';
        if (outcome === 'ok') op.onData?.(body.data);
      }
    } catch {
      outcome = 'network';
    } finally {
      this.inFlight--;
    }
    const ms = performance.now() - t0;
    for (const s of [this.step, this.overall]) {
      s.byTarget[target].record(outcome, ms);
      s.byKind.set(op.kind, (s.byKind.get(op.kind) ?? 0) + 1);
      const l = s.kindLatencyMs.get(op.kind) ?? [];
      l.push(ms);
      s.kindLatencyMs.set(op.kind, l);
    }
  }
}
