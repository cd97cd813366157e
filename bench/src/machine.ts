/**
 * Host facts, how busy the machine is, and per-process CPU time (from /proc where there is one).
 * Benches on a shared box are only meaningful when nothing else runs: `waitForQuiet` holds the
 * start until the whole machine has been below a CPU threshold for a few consecutive seconds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { log } from './infra';
import { flagArg, numArg, round, sleep } from './stats';

/** The `cpu` line of /proc/stat, in USER_HZ ticks summed over all CPUs. */
function readProcStat(): { idle: number; total: number; irq: number; steal: number } | undefined {
  try {
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already
    // counted in user/nice, so the total stops at steal.
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const idle = f[3]! + (f[4] ?? 0);
    return { idle, total: f.reduce((a, b) => a + b, 0), irq: (f[5] ?? 0) + (f[6] ?? 0), steal: f[7] ?? 0 };
  } catch {
    return undefined;
  }
}

/** Machine-wide CPU meter: `busyPct()` is the share of all CPUs busy since the meter started. */
export function cpuMeter() {
  const a = readProcStat();
  return {
    busyPct(): number | undefined {
      const b = readProcStat();
      if (!a || !b || b.total === a.total) return undefined;
      return round((1 - (b.idle - a.idle) / (b.total - a.total)) * 100, 1);
    },
  };
}

/** Share of all CPUs busy over `ms` (undefined where there is no /proc/stat). */
export async function cpuBusyPct(ms: number): Promise<number | undefined> {
  const m = cpuMeter();
  await sleep(ms);
  return m.busyPct();
}

const CLK_TCK = 100; // USER_HZ on Linux (x86/arm): /proc/<pid>/stat times are in 1/100 s

/** CPU time (user + system, all threads) a process has used so far, in ms; undefined if unknown. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the `(comm)`, which may itself contain spaces: state is field 3, utime 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / CLK_TCK;
  } catch {
    return undefined;
  }
}

export interface QuietWait {
  thresholdPct: number;
  seconds: number;
  waitedSeconds: number;
  /** False when the machine never was quiet within the bound and the bench started anyway. */
  quiet: boolean;
  lastSamplesPct: (number | undefined)[];
}

/**
 * Waits until `seconds` consecutive 1 s samples of machine-wide CPU are all below `thresholdPct`,
 * for at most `maxSeconds`; then returns (quiet or not) so the caller can record it.
 * Options: --quiet-pct (15), --quiet-seconds (3), --quiet-max-wait (600); --no-quiet-wait skips.
 */
export async function waitForQuiet(argv: string[]): Promise<QuietWait | undefined> {
  if (flagArg(argv, 'no-quiet-wait')) return undefined;
  return quietWait(numArg(argv, 'quiet-pct', 15), numArg(argv, 'quiet-seconds', 3), numArg(argv, 'quiet-max-wait', 600));
}

/** Waits (at most `maxSeconds`) until `seconds` consecutive 1 s CPU samples are below `thresholdPct`. */
export async function quietWait(thresholdPct: number, seconds: number, maxSeconds: number, silent = false): Promise<QuietWait> {
  const start = Date.now();
  const samples: (number | undefined)[] = [];
  let lastLog = 0;
  for (;;) {
    const pct = await cpuBusyPct(1000);
    if (pct === undefined) return { thresholdPct, seconds, waitedSeconds: 0, quiet: false, lastSamplesPct: [] }; // no /proc: cannot tell
    samples.push(pct);
    const recent = samples.slice(-seconds);
    const waited = (Date.now() - start) / 1000;
    if (recent.length === seconds && recent.every((p) => p !== undefined && p < thresholdPct)) {
      if (!silent && waited > seconds + 1) log(`machine quiet after ${Math.round(waited)} s`);
      return { thresholdPct, seconds, waitedSeconds: round(waited), quiet: true, lastSamplesPct: recent };
    }
    if (waited >= maxSeconds) {
      log(`machine not quiet after ${maxSeconds} s (last samples ${recent.join(', ')} %): running anyway`);
      return { thresholdPct, seconds, waitedSeconds: round(waited), quiet: false, lastSamplesPct: recent };
    }
    if (!silent && Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      log(`waiting for a quiet machine (CPU ${pct} % ≥ ${thresholdPct} %; waited ${Math.round(waited)} s of at most ${maxSeconds} s)`);
    }
  }
}

/** Host facts plus how busy the machine was just before the bench (other work skews results). */
export async function machine(argv: string[] = []) {
  const waited = await waitForQuiet(argv);
  const busyBeforePct = await cpuBusyPct(1000);
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memGb: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAvg1mBefore: round(os.loadavg()[0]!, 2),
    cpuBusyBeforePct: busyBeforePct,
    ...(waited ? { quietWait: waited } : {}),
  };
}

function statCpuMs(stat: string): { comm: string; ms: number } {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const rest = stat.slice(close + 2).split(' ');
  return { comm: stat.slice(open + 1, close), ms: ((Number(rest[11]) + Number(rest[12])) * 1000) / CLK_TCK };
}

/** Cumulative CPU ms: the whole machine's busy time, named processes, and process groups by name. */
export interface CpuSnapshot {
  machineBusyMs?: number;
  /** Interrupt and softirq time (loopback networking lands here, attributed to no process). */
  irqMs?: number;
  /** Time the hypervisor gave this VM's CPUs to someone else. */
  stealMs?: number;
  processes: Record<string, number | undefined>;
  /** Summed over every process whose name (comm) matches, e.g. all `postgres` backends. */
  groups: Record<string, number | undefined>;
  /** Every other process: pid → name and CPU ms (to say who the foreign load was). */
  rest: Map<string, { comm: string; ms: number }>;
}

/**
 * `pids`: processes to follow by id; `groups`: label → process name (comm) to sum over all
 * processes of that name (PostgreSQL runs one process per connection).
 */
export function cpuSnapshot(pids: Record<string, number>, groups: Record<string, string> = { postgres: 'postgres' }): CpuSnapshot {
  const m = readProcStat();
  const processes: Record<string, number | undefined> = {};
  for (const [name, pid] of Object.entries(pids)) processes[name] = processCpuMs(pid);
  const sums: Record<string, number | undefined> = {};
  const byComm = new Map(Object.entries(groups).map(([label, comm]) => [comm, label]));
  const rest = new Map<string, { comm: string; ms: number }>();
  try {
    for (const label of Object.keys(groups)) sums[label] = 0;
    const own = new Set(Object.values(pids).map(String));
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d) || own.has(d)) continue;
      try {
        const s = statCpuMs(readFileSync(`/proc/${d}/stat`, 'utf8'));
        const label = byComm.get(s.comm);
        if (label) sums[label]! += s.ms;
        else rest.set(d, s);
      } catch {
        // the process exited meanwhile
      }
    }
  } catch {
    for (const label of Object.keys(groups)) sums[label] = undefined;
  }
  const ms = (ticks: number) => (ticks * 1000) / CLK_TCK;
  return { machineBusyMs: m && ms(m.total - m.idle), irqMs: m && ms(m.irq), stealMs: m && ms(m.steal), processes, groups: sums, rest };
}

/** CPU ms per component between two snapshots; `other` = machine busy time of processes nobody named. */
export function cpuDelta(a: CpuSnapshot, b: CpuSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  let known = 0;
  for (const name of Object.keys(b.processes)) {
    const x = a.processes[name];
    const y = b.processes[name];
    if (x === undefined || y === undefined) continue;
    out[name] = y - x;
    if (name !== 'mainThread') known += y - x; // mainThread is part of benchProcess
  }
  for (const label of Object.keys(b.groups)) {
    const x = a.groups[label];
    const y = b.groups[label];
    if (x === undefined || y === undefined) continue;
    // A process that exited in between takes its CPU time with it: never negative.
    out[label] = Math.max(0, y - x);
    known += out[label]!;
  }
  if (a.machineBusyMs !== undefined && b.machineBusyMs !== undefined) {
    out.machine = b.machineBusyMs - a.machineBusyMs;
    out.irq = b.irqMs! - a.irqMs!;
    out.steal = b.stealMs! - a.stealMs!;
    // Processes nobody in the bench started: other people's work (and kernel threads).
    out.other = Math.max(0, out.machine - out.irq - out.steal - known);
  }
  return out;
}

/** The processes outside the bench that used the most CPU between two snapshots: `name(ms)`. */
export function topOthers(a: CpuSnapshot, b: CpuSnapshot, n = 4): string[] {
  const used = new Map<string, number>();
  for (const [pid, p] of b.rest) {
    const ms = p.ms - (a.rest.get(pid)?.ms ?? 0); // a process started in between counts in full
    if (ms > 0) used.set(p.comm, (used.get(p.comm) ?? 0) + ms);
  }
  return [...used].sort((x, y) => y[1] - x[1]).slice(0, n).map(([comm, ms]) => `${comm}(${Math.round(ms)}ms)`);
}
