// The canary drill end to end, through its CLI (`npm run drill:canary`): a healthy canary is
// promoted, a canary answering 20 % HTTP 500 and a canary twice over its latency budget are aborted.
// Each run renders the real chart, starts two builds of fundraising on one database (Kafka and
// PostgreSQL from jest's globalSetup), a weighted proxy, a real Prometheus, and drives traffic.
// Shorter steps than the CLI default (--step-seconds 10) keep the three runs near 3–4 minutes.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Runs the CLI; `out` is its stdout (the drill's report), `err` its stderr. */
function drill(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/drill-canary.ts', ...args], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => resolve({ code, out, err }));
  });
}

const lines = (out: string) => out.trimEnd().split('\n');

/** The drill's abort evidence that the environment was slow: stable's p95 over the budget too. */
function slowMachine(out: string): boolean {
  const budget = Number(/latency budget ([\d.]+)s/.exec(out)?.[1]);
  const stable = Number(/for comparison, latency-p95 of stable over the same window: \[([\d.]+)\]/.exec(out)?.[1]);
  return /why: .*metric "latency-p95" Failed/.test(out) && !/why: .*metric "success-rate"/.test(out) && stable > budget;
}
const show = (out: string) => lines(out).filter((l) => !l.startsWith('{')).join('\n');

describe('canary drill (scripts/drill-canary.ts)', () => {
  it.each([
    ['none', 'promoted', undefined],
    ['errors', 'aborted', 'success-rate'],
    ['latency', 'aborted', 'latency-p95'],
  ] as const)(
    '--fault %s → %s',
    async (fault, expected, failingMetric) => {
      const args = ['--service', 'fundraising', '--fault', fault, '--expect', expected, '--step-seconds', '10'];
      let { code, out, err } = await drill(args);
      if (expected === 'promoted' && code === 2 && slowMachine(out)) {
        // The latency check is an absolute p95 budget: when the *stable* build was over it too, the
        // machine was saturated (other work on its 2 cores), not the canary. One more try.
        console.warn(`canary drill: healthy canary aborted while stable was as slow (saturated machine); retrying once\n${show(out)}`);
        ({ code, out, err } = await drill(args));
      }
      if (code !== 0) throw new Error(`drill exited ${code}:\n${show(out)}\n${err}`);
      expect(lines(out).at(-1)).toBe(`RESULT: ${expected}`);
      // The decision came from the chart's own AnalysisTemplate, not from the ADR fallback.
      expect(out).toMatch(/analysis source: helm template charts\/commonhold: Rollout fundraising, AnalysisTemplate commonhold-canary/);
      if (expected === 'promoted') {
        expect(out).toMatch(/step 2\/5 analysis Successful/);
        expect(out).toMatch(/step 4\/5 analysis Successful/);
        expect(out).toMatch(/PROMOTE: all steps complete/);
        expect(out).toMatch(/after promotion the old stable received 0 request\(s\)/);
      } else {
        expect(out).toMatch(new RegExp(`why: .*metric "${failingMetric}" Failed`));
        // Aborted at the first analysis (10 %): the rollout never reached 50 %.
        expect(out).not.toMatch(/step 3\/5 setWeight 50/);
        expect(out).toMatch(/after abort the canary received 0 request\(s\)/);
      }
    },
    // ~95 s for a promotion and ~55 s for an abort on this 2-core machine; room for one retry.
    420_000,
  );
});
