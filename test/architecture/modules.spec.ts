// Every subgraph keeps the one module shape (docs/architecture.md "Code shape"): its code lives in
// `src/modules/<module>/`, each module is wired by its one `*.module.ts` and used by other modules only
// through its `index.ts`, and no file or module import cycle appears. The subgraphs come from the
// registry, so a new one is checked from its first commit.
import fs from 'node:fs';
import path from 'node:path';
import { loadRegistry, REPO_ROOT, subgraphs } from '../../scripts/platform/registry';
import { cycles, importGraph } from './import-graph';

/** Module cycles a service already has, with the reason; anything else fails. */
const KNOWN_MODULE_CYCLES: Record<string, string[][]> = {
  // contacts → gifts (merge/erase/household moves recompute rollups), contacts → intake (erasure),
  // and gifts/intake → contacts (contact loader, intake creates contacts). Through index.ts these
  // load without a file cycle.
  fundraising: [['contacts', 'gifts', 'intake']],
};

describe.each(subgraphs(loadRegistry()).map((s) => s.name))('%s module layout', (service) => {
  const SRC = path.join(REPO_ROOT, 'services', service, 'src');
  const rel = (f: string) => path.relative(SRC, f).split(path.sep).join('/');
  /** `modules/<name>/…` → name; anything else (graphql/, shared/, migrations/, service.ts) → null. */
  const moduleOf = (f: string) => {
    const parts = rel(f).split('/');
    return parts[0] === 'modules' && parts.length > 2 ? parts[1]! : null;
  };
  const { files, edges } = importGraph(SRC);

  it('keeps its code in modules, each with an index.ts, wired (if at all) by one *.module.ts', () => {
    const dir = path.join(SRC, 'modules');
    const modules = fs.existsSync(dir) ? fs.readdirSync(dir).filter((d) => fs.statSync(path.join(dir, d)).isDirectory()) : [];
    expect(modules.length).toBeGreaterThan(0);
    const missing = modules.filter((m) => !fs.existsSync(path.join(dir, m, 'index.ts'))).map((m) => `modules/${m}/index.ts`);
    expect(missing).toEqual([]);
    const twice = modules.filter((m) => fs.readdirSync(path.join(dir, m)).filter((f) => f.endsWith('.module.ts')).length > 1);
    expect(twice).toEqual([]);
  });

  it('keeps no code outside modules but its wiring, config, migrations and shared GraphQL', () => {
    const allowed = /^(modules|migrations|graphql|shared)\/|^(service|config|index|main|instrument)\.ts$/;
    expect(files.map(rel).filter((f) => !allowed.test(f))).toEqual([]);
  });

  it('has no import cycle between files (runtime imports)', () => {
    expect(cycles(files, edges).map((c) => c.map(rel))).toEqual([]);
  });

  it('modules use each other only through their index.ts', () => {
    const bad = edges
      .filter((e) => moduleOf(e.from) && moduleOf(e.to) && moduleOf(e.from) !== moduleOf(e.to) && path.basename(e.to) !== 'index.ts')
      .map((e) => `${rel(e.from)} → ${rel(e.to)}`);
    expect(bad).toEqual([]);
  });

  it("a module's index.ts does not load its resolvers or wiring (so using a module never loads another's GraphQL layer)", () => {
    const bad = edges.filter((e) => path.basename(e.from) === 'index.ts' && /\.(resolvers|module|routes)\.ts$/.test(e.to)).map((e) => `${rel(e.from)} → ${rel(e.to)}`);
    expect(bad).toEqual([]);
  });

  it('module dependencies form no cycle beyond the known ones', () => {
    const medges = edges.map((e) => ({ from: moduleOf(e.from)!, to: moduleOf(e.to)! })).filter((e) => e.from && e.to && e.from !== e.to);
    const mods = [...new Set(medges.flatMap((e) => [e.from, e.to]))];
    expect(cycles(mods, medges)).toEqual(KNOWN_MODULE_CYCLES[service] ?? []);
  });
});
