// Shared by the chart, k8s and skaffold tests: the real helm/kubectl binaries, a throwaway copy of
// charts/ with its file:// dependencies built (the repo's charts/ is never written to), YAML
// parsing, and schema validation of every object with the kubernetes-models packages.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { helmBinary, kubectlBinary } from '../../packages/testing/src/tools';

export const REPO = join(__dirname, '..', '..');
export const CHARTS = join(REPO, 'charts');

// A Kubernetes object as parsed from YAML; tests index into it freely.
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string>; [key: string]: any };

export interface ToolResult {
  status: number;
  stdout: string;
  stderr: string;
}

function run(bin: string, args: string[], cwd?: string): ToolResult {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs helm; throws with its stderr unless `allowFailure`. */
export function helm(args: string[], opts: { allowFailure?: boolean } = {}): ToolResult {
  const r = run(helmBinary(), args);
  if (r.status !== 0 && !opts.allowFailure) throw new Error(`helm ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return r;
}

export function kubectl(args: string[]): string {
  const r = run(kubectlBinary(), args);
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/**
 * Copies charts/ to a temp dir (leaving out vendored dependency archives) and runs
 * `helm dependency build` leaf first: the app chart needs the library, the umbrella needs both.
 */
export function prepareCharts(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'commonhold-charts-'));
  cpSync(CHARTS, dir, { recursive: true, filter: (src) => !/[\\/]charts[\\/][^\\/]+[\\/]charts[\\/][^\\/]+\.tgz$/.test(src) });
  helm(['dependency', 'build', join(dir, 'commonhold-service'), '--skip-refresh']);
  helm(['dependency', 'build', join(dir, 'commonhold'), '--skip-refresh']);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every non-empty YAML document in a multi-document stream. */
export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length) throw new Error(`invalid YAML in rendered output: ${d.errors.map((e) => e.message).join('; ')}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

export function readYaml<T = unknown>(path: string): T {
  // merge: honours `<<: *anchor` as Helm's YAML parser does.
  return parse(readFileSync(path, 'utf8'), { merge: true }) as T;
}

/** `helm template` → parsed objects. */
export function template(chartDir: string, args: string[] = []): K8sObject[] {
  return parseManifests(helm(['template', 'commonhold', chartDir, '--namespace', 'commonhold', ...args]).stdout);
}

export interface ModelValidation {
  validated: number;
  problems: { index: number; apiVersion?: string; kind?: string; name?: string; error: string }[];
}

/** Validates every object with its kubernetes-models class (`.validate()`), in one node process. */
export function validateWithModels(objects: K8sObject[]): ModelValidation {
  const out = execFileSync(process.execPath, [join(__dirname, 'validate-models.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    cwd: REPO,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as ModelValidation;
}

/** Validates several sets of objects in one process (importing the models takes seconds), results per set. */
export function validateSets<K extends string>(sets: Record<K, K8sObject[]>): Record<K, ModelValidation> {
  const names = Object.keys(sets) as K[];
  const all = names.flatMap((n) => sets[n]);
  const { problems } = validateWithModels(all);
  const out = {} as Record<K, ModelValidation>;
  let start = 0;
  for (const n of names) {
    const end = start + sets[n].length;
    out[n] = { validated: sets[n].length, problems: problems.filter((p) => p.index >= start && p.index < end).map((p) => ({ ...p, index: p.index - start })) };
    start = end;
  }
  return out;
}

export const byKind = (objects: K8sObject[], kind: string): K8sObject[] => objects.filter((o) => o.kind === kind);

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} among: ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

/** The deployables the umbrella installs: its commonhold-service dependencies, by alias. */
export function umbrellaServices(): string[] {
  const chart = readYaml<{ dependencies: { name: string; alias?: string }[] }>(join(CHARTS, 'commonhold', 'Chart.yaml'));
  return chart.dependencies.filter((d) => d.name === 'commonhold-service').map((d) => d.alias ?? d.name);
}

/** True when every key/value of `selector` is among `labels` (a Service/PDB/policy selecting a pod). */
export const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
