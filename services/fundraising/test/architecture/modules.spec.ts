import path from 'node:path';
import { cycles, importGraph } from './import-graph';

const SRC = path.resolve(__dirname, '../../src');
const rel = (f: string) => path.relative(SRC, f).split(path.sep).join('/');
/** `modules/<name>/…` → name; anything else (graphql/, shared/, migrations/, service.ts) → null. */
const moduleOf = (f: string) => {
  const parts = rel(f).split('/');
  return parts[0] === 'modules' && parts.length > 2 ? parts[1]! : null;
};

describe('fundraising module layout', () => {
  const { files, edges } = importGraph(SRC);

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

  it('module dependencies form no cycle beyond the known one', () => {
    const medges = edges.map((e) => ({ from: moduleOf(e.from)!, to: moduleOf(e.to)! })).filter((e) => e.from && e.to && e.from !== e.to);
    const mods = [...new Set(medges.flatMap((e) => [e.from, e.to]))];
    // Known: contacts → gifts (merge/erase/household moves recompute rollups), contacts → intake
    // (erasure), and gifts/intake → contacts (contact loader, intake creates contacts). Through
    // index.ts these load without a cycle (the test above); any new module cycle fails here.
    expect(cycles(mods, medges)).toEqual([['contacts', 'gifts', 'intake']]);
  });
});
