/**
 * `npm run observability:generate` writes the PrometheusRule and dashboard JSON into
 * charts/commonhold/generated/; `-- --check` writes nothing and exits 1 if any file is stale.
 * Either way the PrometheusRule is validated against the prometheus-operator CRD schema first.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DASHBOARDS_DIR, REPO_ROOT, generatedFiles } from './artifacts';
import { prometheusRule } from './rules';

async function validateRule(): Promise<void> {
  // ESM-only package: loaded with import() so this file stays runnable under tsx's CommonJS mode.
  const { PrometheusRule } = await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule');
  new PrometheusRule(prometheusRule()).validate();
}

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  await validateRule();
  const files = generatedFiles();
  const stale: string[] = [];
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(REPO_ROOT, rel);
    const current = existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
    if (current === content) continue;
    stale.push(rel);
    if (!check) {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
  }
  // A dashboard that is no longer generated must not linger in the chart.
  const dashDir = join(REPO_ROOT, DASHBOARDS_DIR);
  for (const f of existsSync(dashDir) ? readdirSync(dashDir) : []) {
    const rel = `${DASHBOARDS_DIR}/${f}`;
    if (files[rel] !== undefined) continue;
    stale.push(`${rel} (no longer generated)`);
    if (!check) rmSync(join(dashDir, f));
  }
  if (check) {
    if (stale.length) {
      console.error(`stale generated files (run npm run observability:generate):\n  ${stale.join('\n  ')}`);
      return 1;
    }
    console.log(`${Object.keys(files).length} generated files up to date`);
    return 0;
  }
  console.log(stale.length ? `wrote:\n  ${stale.join('\n  ')}` : `${Object.keys(files).length} generated files already up to date`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
