// The service registry (services/*/service.json, gateway/service.json) is the one list of
// deployables: every generated file must be what `npm run platform:generate` writes from it, and a
// manifest that is wrong in any way is refused with every problem named.
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEATURE_FLAGS, SERVICE_REGISTRY, passthroughRoutes, serviceFeatureFlag } from '@commonhold/kit';
import { SERVICES } from '../packages/platform/src/services.generated';
import { replaceBlocks, staleFiles } from '../scripts/platform/generate';
import { loadRegistry, subgraphs } from '../scripts/platform/registry';
import subgraphsJson from '../schemas/subgraphs.json';

const REPO = join(__dirname, '..');

describe('service registry', () => {
  it('has every generated file current (platform:generate --check)', async () => {
    expect(await staleFiles()).toEqual([]);
  });

  it('lists each subgraph once in composition, the platform, the kit registry and the flags', () => {
    const reg = loadRegistry();
    const names = subgraphs(reg).map((m) => m.name);
    expect(Object.keys(subgraphsJson).sort()).toEqual([...names].sort());
    expect(SERVICES.map((s) => s.def.name).sort()).toEqual([...names].sort());
    expect(SERVICE_REGISTRY.map((s) => s.name)).toEqual(reg.map((m) => m.name));
    for (const m of subgraphs(reg)) {
      expect(FEATURE_FLAGS).toContain(m.featureFlag);
      expect(serviceFeatureFlag(m.name)).toBe(m.featureFlag);
      expect(SERVICES.find((s) => s.def.name === m.name)!.port).toBe(m.port);
    }
    expect(passthroughRoutes()).toEqual(reg.flatMap((m) => m.passthroughRoutes.map((prefix) => ({ prefix, subgraph: m.name }))));
  });

  describe('refuses a wrong manifest, naming every problem', () => {
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'registry-'));
      cpSync(join(REPO, 'gateway', 'service.json'), join(root, 'gateway', 'service.json'), { recursive: true });
      mkdirSync(join(root, 'services'), { recursive: true });
      mkdirSync(join(root, 'schemas', 'subgraphs'), { recursive: true });
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    const add = (folder: string, manifest: Record<string, unknown>, sdl = true) => {
      mkdirSync(join(root, 'services', folder, 'src'), { recursive: true });
      writeFileSync(join(root, 'services', folder, 'src', 'main.ts'), '');
      writeFileSync(join(root, 'services', folder, 'service.json'), JSON.stringify(manifest));
      if (sdl) writeFileSync(join(root, 'schemas', 'subgraphs', `${folder}.graphql`), 'type Query { x: Int }');
    };
    const ok = (name: string, port: number, flag: string) => ({
      name,
      description: `the ${name} subgraph for tests`,
      port,
      featureFlag: flag,
      slo: { availabilityObjective: 0.995, latencyObjective: 0.99, latencyBudgetSeconds: 0.25 },
    });

    it('accepts good manifests, gateway first then subgraphs by name', () => {
      add('zeta', ok('zeta', 4101, 'ENABLE_ZETA'));
      add('alpha-beta', ok('alpha-beta', 4102, 'ENABLE_ALPHA_BETA'));
      expect(loadRegistry(root).map((m) => m.name)).toEqual(['gateway', 'alpha-beta', 'zeta']);
    });

    it('a subgraph without its kill switch', () => {
      const { featureFlag: _f, ...noFlag } = ok('alpha', 4101, 'ENABLE_ALPHA');
      add('alpha', noFlag);
      expect(() => loadRegistry(root)).toThrow(/services\/alpha\/service.json: featureFlag: a subgraph needs its feature flag/);
    });

    it('ports, flags and passthrough routes used twice; a name unlike its folder; a budget off the buckets; missing SDL', () => {
      add('alpha', { ...ok('alpha', 4101, 'ENABLE_SAME'), passthroughRoutes: ['/hooks'] });
      add('beta', { ...ok('beta', 4101, 'ENABLE_SAME'), passthroughRoutes: ['/hooks'] });
      add('gamma', ok('delta', 4103, 'ENABLE_GAMMA'));
      add('eps', { ...ok('eps', 4104, 'ENABLE_EPS'), slo: { availabilityObjective: 0.995, latencyObjective: 0.99, latencyBudgetSeconds: 0.3 } });
      add('nosdl', ok('nosdl', 4105, 'ENABLE_NOSDL'), false);
      let message = '';
      try {
        loadRegistry(root);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toContain('port 4101 is declared by both alpha and beta');
      expect(message).toContain('featureFlag ENABLE_SAME is declared by both alpha and beta');
      expect(message).toContain('passthrough route /hooks is declared by both alpha and beta');
      expect(message).toContain('name "delta" must equal its folder name "gamma"');
      expect(message).toMatch(/eps\/service.json: slo.latencyBudgetSeconds: must be a histogram bucket boundary/);
      expect(message).toContain('services/nosdl: no SDL at schemas/subgraphs/nosdl/');
    });

    it('a deployable folder without a manifest, or an unknown key', () => {
      mkdirSync(join(root, 'services', 'orphan', 'src'), { recursive: true });
      writeFileSync(join(root, 'services', 'orphan', 'src', 'main.ts'), '');
      add('alpha', { ...ok('alpha', 4101, 'ENABLE_ALPHA'), prot: 1 });
      expect(() => loadRegistry(root)).toThrow(/services\/orphan: has src\/main.ts but no service.json/);
      expect(() => loadRegistry(root)).toThrow(/alpha\/service.json: \(root\): Unrecognized key: "prot"/);
    });
  });

  it('replaces only the text between markers, keeping indentation and everything around', () => {
    const B = '# >>> generated by `npm run platform:generate` from services/*/service.json; edit the manifests, not this block';
    const E = '# <<< end of generated block';
    const text = `head\n  ${B}\n  old\n  ${E}\nmiddle\n    ${B}\n    ${E}\ntail\n`;
    const out = replaceBlocks(text, ['  one\n', '    two\n'], 'x');
    expect(out).toBe(`head\n  ${B}\n  one\n  ${E}\nmiddle\n    ${B}\n    two\n    ${E}\ntail\n`);
    expect(replaceBlocks(out, ['  one\n', '    two\n'], 'x')).toBe(out);
    expect(() => replaceBlocks('no markers', ['x'], 'f.yaml')).toThrow(/f.yaml: missing a pair of generated-block markers/);
  });
});
