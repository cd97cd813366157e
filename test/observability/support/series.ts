/**
 * promtool `input_series` for the SLI signals (ADR 0003), built from traffic phases: per scrape
 * interval a fixed number of /graphql requests, a share of them bad (5xx) or slow.
 */
export interface Phase {
  /** Length in scrape intervals. */
  intervals: number;
  /** Share of requests that are bad in this phase (0 = healthy). */
  bad: number;
}

export interface InputSeries {
  series: string;
  values: string;
}

export const REQUESTS_PER_INTERVAL = 1000;

/**
 * Expanding notation for a counter that grows by `step` per interval in each phase, one sample per
 * interval, starting at 0. Samples before index `firstSeen` are `_` (the series does not exist
 * yet: prom-client creates a labelled child on its first observation, already counted).
 */
export function counterValues(phases: { intervals: number; step: number }[], firstSeen = 0): string {
  const samples = [0];
  for (const p of phases) for (let i = 0; i < p.intervals; i++) samples.push(samples[samples.length - 1]! + p.step);
  const out: string[] = [];
  let i = 0;
  if (firstSeen > 0) {
    const gaps = Math.min(firstSeen, samples.length);
    out.push(`_x${gaps}`);
    i = gaps;
  }
  while (i < samples.length) {
    // The longest run from i with a constant difference: a+dxn covers n+1 samples.
    const d = i + 1 < samples.length ? samples[i + 1]! - samples[i]! : 0;
    let n = 0;
    while (i + n + 1 < samples.length && samples[i + n + 1]! - samples[i + n]! === d) n++;
    out.push(`${samples[i]}+${d}x${n}`);
    i += n + 1;
  }
  return out.join(' ');
}

const rounded = (x: number, what: string) => {
  const r = Math.round(x);
  if (Math.abs(r - x) > 1e-9) throw new Error(`${what} ${x} per interval is not whole: pick REQUESTS_PER_INTERVAL or shares so it is`);
  return r;
};

/** Availability: a 2xx counter and a 5xx counter (absent until the first error, as in prom-client). */
export function availabilitySeries(service: string, phases: Phase[]): InputSeries[] {
  const labels = (code: string) => `{service="${service}",route="/graphql",method="POST",status_code="${code}"}`;
  const bad = phases.map((p) => ({ intervals: p.intervals, step: rounded(REQUESTS_PER_INTERVAL * p.bad, 'bad requests') }));
  const ok = phases.map((p, i) => ({ intervals: p.intervals, step: REQUESTS_PER_INTERVAL - bad[i]!.step }));
  const firstBad = phases.findIndex((p) => p.bad > 0);
  const firstSeen = firstBad < 0 ? Infinity : 1 + phases.slice(0, firstBad).reduce((n, p) => n + p.intervals, 0);
  const series = [{ series: `http_request_duration_seconds_count${labels('200')}`, values: counterValues(ok) }];
  if (firstBad >= 0) series.push({ series: `http_request_duration_seconds_count${labels('500')}`, values: counterValues(bad, firstSeen) });
  return series;
}

/**
 * Latency: every request answers 200; a share takes `slowSeconds`, the rest 0.02 s. Emits the
 * buckets a budget can sit on plus +Inf and _count, as the kit's histogram does.
 */
export function latencySeries(service: string, phases: Phase[], slowSeconds: number, bounds: readonly number[]): InputSeries[] {
  const labels = (extra = '') => `{service="${service}",route="/graphql",method="POST",status_code="200"${extra}}`;
  const slow = phases.map((p) => rounded(REQUESTS_PER_INTERVAL * p.bad, 'slow requests'));
  const series: InputSeries[] = [];
  for (const le of [...bounds.map(String), '+Inf']) {
    const includesSlow = le === '+Inf' || Number(le) >= slowSeconds;
    const steps = phases.map((p, i) => ({ intervals: p.intervals, step: includesSlow ? REQUESTS_PER_INTERVAL : REQUESTS_PER_INTERVAL - slow[i]! }));
    series.push({ series: `http_request_duration_seconds_bucket${labels(`,le="${le}"`)}`, values: counterValues(steps) });
  }
  series.push({ series: `http_request_duration_seconds_count${labels()}`, values: counterValues(phases.map((p) => ({ intervals: p.intervals, step: REQUESTS_PER_INTERVAL }))) });
  return series;
}

/** Expands the notation back into numbers (so the builder itself is tested). */
export function expand(values: string): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (const tok of values.split(/\s+/).filter(Boolean)) {
    let m = /^_(?:x(\d+))?$/.exec(tok);
    if (m) {
      for (let i = 0; i < Number(m[1] ?? 1); i++) out.push(undefined);
      continue;
    }
    m = /^(-?[\d.]+)([+-])([\d.]+)x(\d+)$/.exec(tok);
    if (!m) throw new Error(`cannot expand ${tok}`);
    const [a, sign, b, n] = [Number(m[1]), m[2], Number(m[3]), Number(m[4])];
    for (let i = 0; i <= n; i++) out.push(a + (sign === '+' ? 1 : -1) * b * i);
  }
  return out;
}
