import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { stopChild } from './processes';

export interface PromTarget {
  /** host:port serving /metrics */
  address: string;
  labels: Record<string, string>;
}

export interface PrometheusHandle {
  url: string;
  dir: string;
  child: ChildProcess;
  stop(): Promise<void>;
  logTail(): string;
  /** Rewrites the scrape targets and reloads the config (SIGHUP), as a config-reloader would; follow with waitForTargetsUp. */
  setTargets(targets: PromTarget[]): Promise<void>;
}

/** The scrape config the drill generates: one job, the two builds as static targets, 1 s interval. */
export function scrapeConfig(targets: PromTarget[], scrapeInterval: string): string {
  return stringify({
    global: { scrape_interval: scrapeInterval, evaluation_interval: scrapeInterval },
    scrape_configs: [
      {
        job_name: 'canary-drill',
        scrape_interval: scrapeInterval,
        scrape_timeout: scrapeInterval,
        metrics_path: '/metrics',
        static_configs: targets.map((t) => ({ targets: [t.address], labels: t.labels })),
      },
    ],
  });
}

/** A real Prometheus with its own data dir and a free port; stopped and its dir removed by stop(). */
export async function startPrometheus(binary: string, port: number, targets: PromTarget[], scrapeInterval: string): Promise<PrometheusHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'commonhold-drill-prom-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, scrapeConfig(targets, scrapeInterval));
  const logFile = join(dir, 'prometheus.log');
  const out = openSync(logFile, 'a');
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      '--storage.tsdb.retention.time=1h',
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', out, out] },
  );
  const url = `http://127.0.0.1:${port}`;
  const logTail = () => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '';
    }
  };
  const handle: PrometheusHandle = {
    url,
    dir,
    child,
    logTail,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
    setTargets: async (next) => {
      writeFileSync(configFile, scrapeConfig(next, scrapeInterval));
      child.kill('SIGHUP'); // waitForTargetsUp then sees the new targets (or times out with the log)
    },
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${logTail()}`);
    const ok = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ok) return handle;
    await new Promise((r) => setTimeout(r, 200));
  }
  await handle.stop();
  throw new Error(`prometheus did not become ready:\n${logTail()}`);
}

/** Waits until every active target reports health "up" (each has been scraped successfully). */
export async function waitForTargetsUp(url: string, expected: number, timeoutMs = 30_000): Promise<{ scrapeUrl: string; labels: Record<string, string>; health: string }[]> {
  const deadline = Date.now() + timeoutMs;
  let last: { scrapeUrl: string; labels: Record<string, string>; health: string; lastError?: string }[] = [];
  while (Date.now() < deadline) {
    const body = (await fetch(`${url}/api/v1/targets?state=active`).then((r) => r.json())) as { data: { activeTargets: typeof last } };
    last = body.data.activeTargets;
    if (last.length === expected && last.every((t) => t.health === 'up')) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Prometheus targets not up after ${timeoutMs} ms: ${JSON.stringify(last.map((t) => ({ url: t.scrapeUrl, health: t.health, error: t.lastError })))}`);
}

export type QueryResult = { kind: 'vector'; values: number[]; series: { metric: Record<string, string>; value: number }[] } | { kind: 'scalar'; value: number };

/**
 * One instant query, as Argo's Prometheus provider runs it (at "now"). A vector becomes the list of
 * its sample values (what `result` means in a condition), a scalar a single number.
 */
export async function instantQuery(url: string, query: string): Promise<QueryResult> {
  const res = await fetch(`${url}/api/v1/query`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ query }) });
  const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: any } };
  if (body.status !== 'success' || !body.data) throw new Error(`query failed (${res.status}): ${body.error ?? 'no data'}`);
  const { resultType, result } = body.data;
  if (resultType === 'vector') {
    const series = (result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({ metric: s.metric, value: Number(s.value[1]) }));
    return { kind: 'vector', values: series.map((s) => s.value), series };
  }
  if (resultType === 'scalar') return { kind: 'scalar', value: Number((result as [number, string])[1]) };
  throw new Error(`unsupported result type ${resultType} (Argo's provider handles vector and scalar)`);
}
