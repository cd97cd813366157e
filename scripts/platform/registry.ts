// The service registry: every deployable declares itself once in `<folder>/service.json`
// (services/<name>/service.json, gateway/service.json). `npm run platform:generate` derives every
// other list from it (composition, platform, charts, skaffold, k8s, env schema, SLOs, flags).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';

export const REPO_ROOT = join(__dirname, '..', '..');

const kebab = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** Histogram bucket boundaries of the kit (packages/kit/src/metrics.ts); a latency budget must be one. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const serviceManifestSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().regex(kebab, 'kebab-case, e.g. bulk-ops'),
    description: z.string().min(10).max(300),
    kind: z.enum(['gateway', 'subgraph']).default('subgraph'),
    port: z.number().int().min(1024).max(65535),
    /** The subgraph's kill switch; `ENABLE_<SOMETHING>`. Required for subgraphs. */
    featureFlag: z.string().regex(/^ENABLE_[A-Z0-9_]+$/).optional(),
    /** Whether the service owns a PostgreSQL database (every subgraph does). */
    database: z.boolean().default(true),
    slo: z.object({
      availabilityObjective: z.number().gt(0.9).lt(1),
      latencyObjective: z.number().gt(0.9).lt(1),
      latencyBudgetSeconds: z.number().refine((v) => BUCKETS.includes(v), { message: `must be a histogram bucket boundary (${BUCKETS.join(', ')})` }),
    }),
    /** Plain-HTTP path prefixes the gateway passes through byte for byte (webhooks, uploads, sign-in, `/.well-known`). */
    passthroughRoutes: z.array(z.string().regex(/^\/(\.well-known|[a-z0-9-]+)$/, 'one path segment, e.g. /webhooks (or /.well-known)')).default([]),
    /** Extra Helm values for this service's block (values.yaml / values-production.yaml). */
    chart: z
      .object({
        values: z.record(z.string(), z.unknown()).default({}),
        productionValues: z.record(z.string(), z.unknown()).default({}),
      })
      .default({ values: {}, productionValues: {} }),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.kind === 'subgraph' && !m.featureFlag) ctx.addIssue({ code: 'custom', path: ['featureFlag'], message: 'a subgraph needs its feature flag (its kill switch)' });
    if (m.kind === 'subgraph' && !m.database) ctx.addIssue({ code: 'custom', path: ['database'], message: 'every subgraph owns its database (ARCHITECTURE §2)' });
    if (m.kind === 'gateway' && m.database) ctx.addIssue({ code: 'custom', path: ['database'], message: 'the gateway has no database' });
  });

export type ServiceManifest = z.infer<typeof serviceManifestSchema> & {
  /** Folder relative to the repo root (`services/fundraising`, `gateway`). */
  dir: string;
  /** SDL source relative to schemas/ (`subgraphs/fundraising` directory or `subgraphs/x.graphql`). */
  sdl?: string;
};

/** Where a manifest lives for each deployable folder. */
function manifestPaths(root: string): string[] {
  const paths = [join(root, 'gateway', 'service.json')];
  const servicesDir = join(root, 'services');
  for (const d of readdirSync(servicesDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    paths.push(join(servicesDir, d, 'service.json'));
  }
  return paths;
}

/** Camel-case form used for exported names: `bulk-ops` → `bulkOps`. */
export const camel = (name: string): string => name.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
/** Environment form: `bulk-ops` → `BULK_OPS`. */
export const envName = (name: string): string => name.toUpperCase().replace(/-/g, '_');
/** A service's database and role base name: `-` becomes `_` (bulk-ops → bulk_ops, bulk_ops_app), as the platform names them. */
export const dbName = (name: string): string => name.replace(/-/g, '_');

/**
 * Reads and validates every manifest; every problem (a missing manifest, a bad field, a port or
 * flag used twice, a folder name that differs from `name`) is listed in one error.
 */
export function loadRegistry(root = REPO_ROOT): ServiceManifest[] {
  const problems: string[] = [];
  const out: ServiceManifest[] = [];
  for (const path of manifestPaths(root)) {
    const dir = relative(root, join(path, '..'));
    if (!existsSync(path)) {
      // A services/ folder without src/main.ts is not a deployable (e.g. a half-removed demo).
      if (existsSync(join(root, dir, 'src', 'main.ts'))) problems.push(`${dir}: has src/main.ts but no service.json`);
      continue;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      problems.push(`${dir}/service.json: not JSON (${(err as Error).message})`);
      continue;
    }
    const parsed = serviceManifestSchema.safeParse(raw);
    if (!parsed.success) {
      for (const i of parsed.error.issues) problems.push(`${dir}/service.json: ${i.path.join('.') || '(root)'}: ${i.message}`);
      continue;
    }
    const m = parsed.data;
    const folder = dir.split('/').pop();
    if (m.kind === 'subgraph' && folder !== m.name) problems.push(`${dir}/service.json: name "${m.name}" must equal its folder name "${folder}"`);
    if (m.kind === 'gateway' && dir !== 'gateway') problems.push(`${dir}/service.json: only gateway/ may be the gateway`);
    let sdl: string | undefined;
    if (m.kind === 'subgraph') {
      if (existsSync(join(root, 'schemas', 'subgraphs', m.name))) sdl = `subgraphs/${m.name}`;
      else if (existsSync(join(root, 'schemas', 'subgraphs', `${m.name}.graphql`))) sdl = `subgraphs/${m.name}.graphql`;
      else problems.push(`${dir}: no SDL at schemas/subgraphs/${m.name}/ or schemas/subgraphs/${m.name}.graphql`);
    }
    out.push({ ...m, dir, ...(sdl ? { sdl } : {}) });
  }
  const dup = <K extends keyof ServiceManifest>(key: K) => {
    const seen = new Map<unknown, string>();
    for (const m of out) {
      const v = m[key];
      if (v === undefined) continue;
      if (seen.has(v)) problems.push(`${String(key)} ${String(v)} is declared by both ${seen.get(v)} and ${m.name}`);
      else seen.set(v, m.name);
    }
  };
  dup('name');
  dup('port');
  dup('featureFlag');
  const routes = new Map<string, string>();
  for (const m of out) {
    for (const r of m.passthroughRoutes) {
      if (routes.has(r)) problems.push(`passthrough route ${r} is declared by both ${routes.get(r)} and ${m.name}`);
      routes.set(r, m.name);
    }
  }
  if (!out.some((m) => m.kind === 'gateway')) problems.push('gateway/service.json is missing');
  if (problems.length) throw new Error(`Service registry is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  // The gateway first, then subgraphs by name: a stable order for every generated list.
  return out.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'gateway' ? -1 : 1));
}

export const subgraphs = (registry: ServiceManifest[]): ServiceManifest[] => registry.filter((m) => m.kind === 'subgraph');
