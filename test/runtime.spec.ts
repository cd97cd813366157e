// The project runs on the current Node LTS (24) whatever Node the machine has: the root's `node`
// dev dependency is first on the PATH of npm scripts, so jest, its workers, the platform and
// anything they spawn with process.execPath run on it. The bundles and the image target the same.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const major = (v: string) => Number(/^v?(\d+)/.exec(v)![1]);

it('runs the tests (this jest worker) on Node 24', () => {
  expect(major(process.version)).toBe(24);
});

it('gives npm scripts the same Node (what `npm start` and the benches run on)', () => {
  const v = execFileSync('npm', ['exec', '--', 'node', '-p', 'process.version'], { cwd: ROOT, encoding: 'utf8' }).trim();
  expect(major(v)).toBe(24);
});

it('targets that Node in the bundles and the image', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  expect(pkg.devDependencies.node).toMatch(/^\^?24\./);
  expect(readFileSync(join(ROOT, 'scripts', 'build.mjs'), 'utf8')).toContain("target: 'node24'");
  expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^ARG NODE_VERSION=24$/m);
});
