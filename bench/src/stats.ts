/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when empty. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function median(xs: number[]): number {
  return percentile(xs, 50);
}

/** Rounds for printing: 3 significant decimals below 10, 1 decimal above. */
export function round(x: number, digits = x < 10 ? 3 : 1): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `--name value` / `--name=value` from argv, else env BENCH_<NAME>, else the default. */
export function numArg(argv: string[], name: string, dflt: number): number {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  let raw: string | undefined;
  if (i >= 0) raw = argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  raw ??= process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${raw}`);
  return n;
}

export function flagArg(argv: string[], name: string): boolean {
  return argv.includes(`--${name}`) || ['1', 'true', 'yes'].includes(process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`] ?? '');
}

/** `--name value` / `--name=value` from argv, else env BENCH_<NAME>, else the default. */
export function strArg(argv: string[], name: string, dflt: string): string;
export function strArg(argv: string[], name: string, dflt?: string): string | undefined;
export function strArg(argv: string[], name: string, dflt?: string): string | undefined {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i >= 0) {
    const v = argv[i]!.includes('=') ? argv[i]!.slice(argv[i]!.indexOf('=') + 1) : argv[i + 1];
    if (!v || v.startsWith('--')) throw new Error(`--${name} needs a value`);
    return v;
  }
  return process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`] ?? dflt;
}
