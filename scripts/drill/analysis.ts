import { evaluateCondition, parseCondition, type ParsedCondition } from './condition';
import { instantQuery, type QueryResult } from './prometheus';
import { applyWindow, substituteArgs, type MetricSpec } from './template';

/** A metric ready to measure: args substituted everywhere, numbers read, the window applied. */
export interface ResolvedMetric {
  spec: MetricSpec;
  name: string;
  query: string;
  interval?: string;
  /** Argo default 0: the metric fails once failed measurements exceed this. */
  failureLimit: number;
  /** Argo default 0. */
  inconclusiveLimit: number;
  /** Argo default 4: the metric errors once consecutive error measurements exceed this. */
  consecutiveErrorLimit: number;
  providerAddress?: string;
  successCondition?: ParsedCondition;
  failureCondition?: ParsedCondition;
  /** Measurements this run takes before the metric is Successful (Argo's effective count). */
  count: number | undefined;
  windowReplaced: string[];
}

const int = (name: string, field: string, v: string | undefined, dflt: number | undefined): number | undefined => {
  if (v === undefined || v === '') return dflt;
  if (!/^\d+$/.test(v.trim())) throw new Error(`metric "${name}": ${field} "${v}" is not a non-negative integer`);
  return Number(v);
};

export function resolveMetric(spec: MetricSpec, args: Record<string, string>, window: string): ResolvedMetric {
  const sub = (v: string | undefined) => (v === undefined ? undefined : substituteArgs(v, args));
  const { query, replaced } = applyWindow(substituteArgs(spec.query, args), window);
  if (!spec.successCondition && !spec.failureCondition) throw new Error(`metric "${spec.name}" has neither successCondition nor failureCondition`);
  const interval = sub(spec.interval);
  const count = int(spec.name, 'count', sub(spec.count), undefined);
  return {
    spec,
    name: spec.name,
    query,
    interval,
    failureLimit: int(spec.name, 'failureLimit', sub(spec.failureLimit), 0)!,
    inconclusiveLimit: int(spec.name, 'inconclusiveLimit', sub(spec.inconclusiveLimit), 0)!,
    consecutiveErrorLimit: int(spec.name, 'consecutiveErrorLimit', sub(spec.consecutiveErrorLimit), 4)!,
    providerAddress: sub(spec.providerAddress),
    successCondition: spec.successCondition ? parseCondition(substituteArgs(spec.successCondition, args)) : undefined,
    failureCondition: spec.failureCondition ? parseCondition(substituteArgs(spec.failureCondition, args)) : undefined,
    // Argo's Metric.EffectiveCount(): count if set; 1 when neither count nor interval is set; else
    // unbounded (the metric measures until it fails or the run is terminated).
    count: count && count > 0 ? count : interval ? undefined : 1,
    windowReplaced: replaced,
  };
}

export type Phase = 'Pending' | 'Running' | 'Successful' | 'Failed' | 'Error' | 'Inconclusive';

export interface Measurement {
  phase: 'Successful' | 'Failed' | 'Error' | 'Inconclusive';
  value?: number[] | number;
  message?: string;
}

export class MetricState {
  readonly measurements: Measurement[] = [];
  failed = 0;
  inconclusive = 0;
  consecutiveErrors = 0;
  phase: Phase = 'Pending';
  constructor(readonly metric: ResolvedMetric) {}

  get last(): Measurement | undefined {
    return this.measurements[this.measurements.length - 1];
  }

  /** Argo's assessMetricStatus, for one metric after a measurement. */
  assess(terminating: boolean, countOverride?: number): Phase {
    if (this.phase === 'Successful' || this.phase === 'Failed' || this.phase === 'Error' || this.phase === 'Inconclusive') return this.phase;
    const s = this.metric;
    if (!this.measurements.length) return (this.phase = terminating ? 'Successful' : 'Pending');
    if (this.failed > s.failureLimit) return (this.phase = 'Failed');
    if (this.inconclusive > s.inconclusiveLimit) return (this.phase = 'Inconclusive');
    if (this.consecutiveErrors > s.consecutiveErrorLimit) return (this.phase = 'Error');
    const count = this.metric.count ?? countOverride;
    if (count !== undefined && this.measurements.length >= count) return (this.phase = 'Successful');
    if (terminating) return (this.phase = 'Successful');
    return (this.phase = 'Running');
  }
}

const fmt = (v: number[] | number | undefined): string => {
  if (v === undefined) return 'n/a';
  const one = (x: number) => (Number.isNaN(x) ? 'NaN' : Number.isInteger(x) ? String(x) : x.toFixed(4));
  return Array.isArray(v) ? `[${v.map(one).join(', ')}]` : one(v);
};

/** Argo's measurement: success/failure conditions over `result`; evaluation problems are Errors. */
export function judge(metric: ResolvedMetric, result: QueryResult): Measurement {
  const value = result.kind === 'vector' ? result.values : result.value;
  try {
    const failed = metric.failureCondition ? evaluateCondition(metric.failureCondition, value) : undefined;
    const passed = metric.successCondition ? evaluateCondition(metric.successCondition, value) : undefined;
    // Argo: failureCondition true → Failed; else successCondition true → Successful; with only a
    // successCondition a false result is Failed, with only a failureCondition a false result
    // passes; with both and neither true the measurement is Inconclusive.
    let phase: Measurement['phase'];
    if (failed === true) phase = 'Failed';
    else if (passed === true) phase = 'Successful';
    else if (passed === undefined) phase = 'Successful';
    else if (failed === undefined) phase = 'Failed';
    else phase = 'Inconclusive';
    return { phase, value };
  } catch (err) {
    return { phase: 'Error', value, message: (err as Error).message };
  }
}

export interface RunOutcome {
  phase: 'Successful' | 'Failed' | 'Error' | 'Inconclusive';
  /** Human-readable reasons when not Successful: metric, value, condition. */
  reasons: string[];
}

/**
 * One AnalysisRun: measures every metric now and then every `intervalMs` (the drill's compressed
 * stand-in for the template's interval), assessing each metric like Argo's controller, until every
 * metric has completed or one fails (which terminates the others).
 */
export class AnalysisRun {
  readonly states: MetricState[];
  private measuredRounds = 0;

  constructor(
    readonly name: string,
    metrics: ResolvedMetric[],
    private readonly promUrl: string,
    private readonly log: (line: string) => void,
    /** Used only for metrics whose template sets interval but no count (see the runbook). */
    private readonly countOverride?: number,
    /** Called after an empty result (verbose mode): prints what Prometheus does have. */
    private readonly diagnose?: () => Promise<void>,
  ) {
    this.states = metrics.map((m) => new MetricState(m));
  }

  get rounds(): number {
    return this.measuredRounds;
  }

  /** Takes one measurement of every still-running metric and prints it. */
  async measureOnce(): Promise<void> {
    this.measuredRounds++;
    for (const st of this.states) {
      if (st.phase !== 'Pending' && st.phase !== 'Running') continue;
      let m: Measurement;
      try {
        m = judge(st.metric, await instantQuery(this.promUrl, st.metric.query));
      } catch (err) {
        m = { phase: 'Error', message: (err as Error).message };
      }
      st.measurements.push(m);
      if (this.diagnose && Array.isArray(m.value) && m.value.length === 0) await this.diagnose().catch(() => undefined);
      if (m.phase === 'Failed') st.failed++;
      if (m.phase === 'Inconclusive') st.inconclusive++;
      st.consecutiveErrors = m.phase === 'Error' ? st.consecutiveErrors + 1 : 0;
      const cond = st.metric.successCondition?.source ?? `!(${st.metric.failureCondition?.source})`;
      const limit = `failures ${st.failed}/${st.metric.failureLimit} allowed`;
      this.log(`    ${this.name} #${this.measuredRounds} ${st.metric.name.padEnd(14)} = ${fmt(m.value).padEnd(10)} ${cond}  → ${m.phase.toUpperCase()} (${limit})${m.message ? ` — ${m.message}` : ''}`);
    }
    const terminating = this.states.some((s) => ['Failed', 'Error', 'Inconclusive'].includes(s.assess(false, this.countOverride)));
    if (terminating) for (const s of this.states) s.assess(true, this.countOverride);
  }

  /** Undefined while running; once complete, the worst metric phase and why. */
  outcome(): RunOutcome | undefined {
    const phases = this.states.map((s) => s.phase);
    if (phases.some((p) => p === 'Pending' || p === 'Running')) return undefined;
    const order: RunOutcome['phase'][] = ['Successful', 'Inconclusive', 'Error', 'Failed'];
    const worst = phases.reduce<RunOutcome['phase']>((w, p) => (order.indexOf(p as RunOutcome['phase']) > order.indexOf(w) ? (p as RunOutcome['phase']) : w), 'Successful');
    const reasons = this.states
      .filter((s) => s.phase !== 'Successful')
      .map((s) => {
        const cond = s.metric.successCondition?.source ?? `failureCondition ${s.metric.failureCondition?.source}`;
        const detail =
          s.phase === 'Failed'
            ? `${s.failed} failed measurement(s) > failureLimit ${s.metric.failureLimit}`
            : s.phase === 'Error'
              ? `${s.consecutiveErrors} consecutive errors > consecutiveErrorLimit ${s.metric.consecutiveErrorLimit}`
              : `${s.inconclusive} inconclusive > inconclusiveLimit ${s.metric.inconclusiveLimit}`;
        return `metric "${s.metric.name}" ${s.phase}: ${detail}; last value ${fmt(s.last?.value)} against "${cond}"${s.last?.message ? ` (${s.last.message})` : ''}`;
      });
    return { phase: worst, reasons };
  }

  /** Terminates the run (the rollout moved on): still-running metrics complete as Successful. */
  terminate(): void {
    for (const s of this.states) s.assess(true, this.countOverride);
  }
}
