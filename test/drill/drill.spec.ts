// The canary drill's pieces that decide promote/abort, without processes: the condition evaluator,
// arg/window substitution, Argo's measurement bookkeeping, the weighted split, and the analysis
// contract read from the real chart (helm template) against ADR 0003's text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { judge, MetricState, resolveMetric } from '../../scripts/drill/analysis';
import { evaluateCondition, parseCondition, UnsupportedConditionError } from '../../scripts/drill/condition';
import { WeightedProxy } from '../../scripts/drill/proxy';
import { ADR_0003_CONDITIONS, ADR_0003_QUERIES, applyWindow, durationMs, planFromAdr, planFromChart, resolveArgs, substituteArgs, type MetricSpec } from '../../scripts/drill/template';
import { helmBinary } from '../../packages/testing/src/tools';

const root = join(__dirname, '..', '..');

describe('successCondition evaluator', () => {
  const success = parseCondition('len(result) > 0 && result[0] >= 0.99');
  const latency = parseCondition('len(result) > 0 && result[0] <= 0.25');

  it('evaluates the two ADR 0003 forms like Argo (expr) does', () => {
    expect(evaluateCondition(success, [0.995])).toBe(true);
    expect(evaluateCondition(success, [0.99])).toBe(true);
    expect(evaluateCondition(success, [0.8])).toBe(false);
    expect(evaluateCondition(latency, [0.1])).toBe(true);
    expect(evaluateCondition(latency, [0.25])).toBe(true);
    expect(evaluateCondition(latency, [0.975])).toBe(false);
  });

  it('fails an empty result (no traffic) instead of indexing it: && short-circuits', () => {
    expect(evaluateCondition(success, [])).toBe(false);
    expect(evaluateCondition(latency, [])).toBe(false);
  });

  it('treats NaN (0/0, a quantile of nothing) as failing, as expr compares NaN false', () => {
    expect(evaluateCondition(success, [NaN])).toBe(false);
    expect(evaluateCondition(latency, [NaN])).toBe(false);
  });

  it('understands the other plain comparisons and scalar results', () => {
    expect(evaluateCondition(parseCondition('result[0] < 5'), [4])).toBe(true);
    expect(evaluateCondition(parseCondition('result >= 1e-3'), 0.01)).toBe(true);
    expect(evaluateCondition(parseCondition('len(result) == 2 && result[1] != 0'), [1, 2])).toBe(true);
  });

  it('refuses forms it does not understand rather than guessing', () => {
    for (const c of ['result[0] >= 0.99 || len(result) == 0', '!(result[0] < 0.99)', 'all(result, {# >= 0.99})', 'result[0] * 100 >= 99', 'isNaN(result[0])', '']) {
      expect(() => parseCondition(c)).toThrow(UnsupportedConditionError);
    }
  });

  it('reports an out-of-range index as an evaluation error (an Error measurement in Argo)', () => {
    expect(() => evaluateCondition(parseCondition('result[0] >= 0.99'), [])).toThrow(/out of range/);
  });
});

describe('args, placeholders and the window', () => {
  it('replaces every range selector and nothing else', () => {
    const { query, replaced } = applyWindow(ADR_0003_QUERIES['success-rate'], '30s');
    expect(replaced).toEqual(['2m', '2m']);
    expect(query).toBe(ADR_0003_QUERIES['success-rate'].replaceAll('[2m]', '[30s]'));
  });

  it('substitutes {{args.*}} and refuses leftovers', () => {
    expect(substituteArgs('a {{args.service-name}} b {{ args.x }}', { 'service-name': 'fundraising', x: '1' })).toBe('a fundraising b 1');
    expect(() => substituteArgs('{{args.missing}}', {})).toThrow(/no value/);
    expect(() => substituteArgs('{{workflow.name}}', {})).toThrow(/unresolved/);
  });

  it('resolves podTemplateHashValue Latest to the canary target label, and template defaults', () => {
    const plan = planFromAdr('fundraising', '0.25');
    const args = resolveArgs(plan, (plan.steps[1] as any).analysis.args, { 'prometheus-address': 'http://127.0.0.1:9' });
    expect(args).toEqual({ 'service-name': 'fundraising', 'canary-hash': 'canary', 'latency-budget-seconds': '0.25', 'prometheus-address': 'http://127.0.0.1:9', 'measurement-count': '3' });
    expect(resolveArgs(plan, plan.background!.args, { 'prometheus-address': 'x' })['measurement-count']).toBe('0');
    expect(() => resolveArgs(plan, [], {})).toThrow(/has no value/);
    expect(() => resolveArgs(plan, [{ name: 'canary-hash', valueFrom: { fieldRef: { fieldPath: 'x' } } }], {})).toThrow(/cannot resolve/);
  });

  it('reads Argo durations', () => {
    expect(durationMs('1m')).toBe(60_000);
    expect(durationMs('1m30s')).toBe(90_000);
    expect(durationMs('500ms')).toBe(500);
    expect(durationMs(30)).toBe(30_000);
    expect(() => durationMs('1 minute')).toThrow();
  });

  it('takes the ADR 0003 queries and conditions verbatim (the ADR-text fallback)', () => {
    const adr = readFileSync(join(root, 'docs', 'adr', '0003-canary-analysis-contract.md'), 'utf8');
    for (const q of Object.values(ADR_0003_QUERIES)) expect(adr).toContain(q);
    for (const c of Object.values(ADR_0003_CONDITIONS)) expect(adr).toContain(c);
  });
});

describe("Argo's measurement bookkeeping", () => {
  const spec = (over: Partial<MetricSpec> = {}): MetricSpec => ({
    name: 'success-rate',
    query: 'q',
    successCondition: 'len(result) > 0 && result[0] >= 0.99',
    interval: '1m',
    count: '{{args.measurement-count}}',
    failureLimit: '1',
    ...over,
  });
  const vec = (v: number[]) => ({ kind: 'vector' as const, values: v, series: [] });

  it('count from an arg: "3" is three measurements, "0" with an interval is unbounded', () => {
    expect(resolveMetric(spec(), { 'measurement-count': '3' }, '30s').count).toBe(3);
    expect(resolveMetric(spec(), { 'measurement-count': '0' }, '30s').count).toBeUndefined();
    expect(resolveMetric(spec({ interval: undefined, count: undefined }), {}, '30s').count).toBe(1);
    expect(() => resolveMetric(spec({ failureLimit: 'one' }), { 'measurement-count': '3' }, '30s')).toThrow(/not a non-negative integer/);
  });

  const run = (values: number[][], count = '3') => {
    const st = new MetricState(resolveMetric(spec(), { 'measurement-count': count }, '30s'));
    const phases: string[] = [];
    for (const v of values) {
      const m = judge(st.metric, vec(v));
      st.measurements.push(m);
      if (m.phase === 'Failed') st.failed++;
      phases.push(st.assess(false));
    }
    return phases;
  };

  it('failureLimit 1 tolerates one failed measurement and fails on the second', () => {
    expect(run([[0.5], [1], [1]])).toEqual(['Running', 'Running', 'Successful']);
    expect(run([[0.5], [0.5]])).toEqual(['Running', 'Failed']);
    expect(run([[], [0.5]])).toEqual(['Running', 'Failed']);
  });

  it('an unbounded (background) metric keeps running until it fails or is terminated', () => {
    const st = new MetricState(resolveMetric(spec(), { 'measurement-count': '0' }, '30s'));
    for (let i = 0; i < 5; i++) {
      st.measurements.push(judge(st.metric, vec([1])));
      expect(st.assess(false)).toBe('Running');
    }
    expect(st.assess(true)).toBe('Successful');
  });

  it('a failureCondition alone passes when false; both conditions neither true is Inconclusive', () => {
    const onlyFailure = resolveMetric(spec({ successCondition: undefined, failureCondition: 'result[0] < 0.9' }), { 'measurement-count': '1' }, '30s');
    expect(judge(onlyFailure, vec([0.95])).phase).toBe('Successful');
    expect(judge(onlyFailure, vec([0.5])).phase).toBe('Failed');
    const both = resolveMetric(spec({ failureCondition: 'result[0] < 0.9' }), { 'measurement-count': '1' }, '30s');
    expect(judge(both, vec([0.95])).phase).toBe('Inconclusive');
  });
});

describe('weighted split', () => {
  it('sends exactly weight % to the canary, evenly spread', () => {
    const p = new WeightedProxy({ stable: { host: '127.0.0.1', port: 1 }, canary: { host: '127.0.0.1', port: 2 } });
    for (const w of [0, 10, 50, 100]) {
      p.setWeight(w);
      const picks = Array.from({ length: 1000 }, () => p.pick());
      expect(picks.filter((x) => x === 'canary').length).toBe(w * 10);
      if (w === 10) expect(picks.slice(0, 20).filter((x) => x === 'canary').length).toBe(2);
    }
    expect(() => p.setWeight(101)).toThrow();
  });
});

describe('the analysis contract from the real chart', () => {
  it('helm template charts/commonhold gives each subgraph the ADR 0003 queries and conditions and Rollout steps', () => {
    for (const service of ['fundraising', 'volunteers']) {
      const plan = planFromChart(root, helmBinary(), service);
      expect(plan?.fromChart).toBe(true);
      const byName = Object.fromEntries(plan!.metrics.map((m) => [m.name, m]));
      expect(byName['success-rate']!.query).toBe(ADR_0003_QUERIES['success-rate']);
      expect(byName['latency-p95']!.query).toBe(ADR_0003_QUERIES['latency-p95']);
      expect(byName['success-rate']!.successCondition).toBe(ADR_0003_CONDITIONS['success-rate']);
      expect(byName['latency-p95']!.successCondition).toBe(ADR_0003_CONDITIONS['latency-p95']);
      const shape = plan!.steps.map((s) => ('setWeight' in s ? `w${s.setWeight}` : 'analysis' in s ? 'analysis' : 'other'));
      expect(shape).toEqual(['w10', 'analysis', 'w50', 'analysis', 'w100']);
      // Every condition the chart renders is one the drill's evaluator understands.
      const args = resolveArgs(plan!, (plan!.steps[1] as any).analysis.args, { 'prometheus-address': 'http://127.0.0.1:9' });
      expect(args['service-name']).toBe(service);
      expect(args['canary-hash']).toBe('canary');
      for (const m of plan!.metrics) expect(() => resolveMetric(m, args, '30s')).not.toThrow();
      const resolved = plan!.metrics.map((m) => resolveMetric(m, args, '30s'));
      for (const m of resolved) expect(m.count).toBeGreaterThan(m.failureLimit); // a step analysis that can finish
    }
  }, 60_000);
});
