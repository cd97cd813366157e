// The generated files in charts/commonhold/generated/ are exactly what the generator writes now:
// change slos.ts or a dashboard without `npm run observability:generate` and this fails.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARDS_DIR, REPO_ROOT, RULES_FILE, generatedFiles } from '../../packages/observability/src/artifacts';

const files = generatedFiles();

it('generates the PrometheusRule and the five dashboards', () => {
  expect(Object.keys(files).sort()).toEqual(
    [RULES_FILE, `${DASHBOARDS_DIR}/commonhold-domain.json`, `${DASHBOARDS_DIR}/commonhold-kpis.json`, `${DASHBOARDS_DIR}/commonhold-overview.json`, `${DASHBOARDS_DIR}/commonhold-security.json`, `${DASHBOARDS_DIR}/commonhold-slo.json`].sort(),
  );
});

it.each(Object.keys(files).map((f) => [f]))('%s is committed and up to date', (rel) => {
  const abs = join(REPO_ROOT, rel);
  expect({ rel, exists: existsSync(abs) }).toEqual({ rel, exists: true });
  // Compare whole files; on a mismatch, jest prints the diff. Fix: npm run observability:generate
  expect(readFileSync(abs, 'utf8')).toBe(files[rel]);
});

it('leaves no stale dashboard behind', () => {
  const onDisk = readdirSync(join(REPO_ROOT, DASHBOARDS_DIR)).map((f) => `${DASHBOARDS_DIR}/${f}`);
  expect(onDisk.filter((f) => files[f] === undefined)).toEqual([]);
});

it('is deterministic', () => {
  expect(generatedFiles()).toEqual(files);
});
