// The image recipe read as text (there is no Docker engine here): only what would make the image
// wrong or unsafe in a cluster. That its command works is proven by build.e2e-spec.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finalStage, imageCommand, readDockerfile, repoRoot, stageNamed, type Instruction, type Stage } from './dockerfile';

const sut = readDockerfile();
const runtime = finalStage(sut);
const rootPackage = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] };
const of = (s: Stage, keyword: string) => s.instructions.filter((i) => i.keyword === keyword);
const copiedFrom = (s: Stage, target: RegExp): Instruction | undefined => of(s, 'COPY').find((i) => target.test(i.args.split(' ').pop()!));

it('runs on a slim Node image whose major matches the bundles\' target', () => {
  const nodeVersion = sut.globalArgs.NODE_VERSION!;
  const target = /target:\s*'node(\d+)'/.exec(readFileSync(join(repoRoot, 'scripts', 'build.mjs'), 'utf8'))?.[1];
  expect(Number(nodeVersion)).toBeGreaterThanOrEqual(Number(target));
  for (const s of sut.stages.filter((x) => !stageNamed(sut, x.from))) expect(s.from).toBe('node:${NODE_VERSION}-slim');
});

it('runs as a non-root user, numeric so runAsNonRoot can verify it, with NODE_ENV=production', () => {
  const users = of(runtime, 'USER').map((i) => i.args);
  expect(users.length).toBeGreaterThan(0);
  const user = users[users.length - 1]!.split(':')[0]!;
  expect(user).toMatch(/^\d+$/);
  expect(Number(user)).toBeGreaterThan(0);
  expect(of(runtime, 'ENV').map((i) => i.args)).toContainEqual(expect.stringMatching(/^NODE_ENV[= ]production$/));
  // Nothing is installed or built in the final image itself: it only receives files.
  expect(of(runtime, 'RUN')).toEqual([]);
});

it('ships production dependencies of one workspace and the built dist, and starts dist/main.js', () => {
  const modules = copiedFrom(runtime, /node_modules$/)!;
  const depsStage = stageNamed(sut, String(modules.flags.from))!;
  const install = of(depsStage, 'RUN').map((i) => i.args).find((a) => /npm (install|ci)\b/.test(a))!;
  expect(install).toMatch(/--omit=dev\b/);
  expect(install).toMatch(/--workspace "?@commonhold\/\$\{SERVICE/);

  const dist = copiedFrom(runtime, /(^|\/)dist$/)!;
  const buildStage = stageNamed(sut, String(dist.flags.from))!;
  expect(of(buildStage, 'RUN').map((i) => i.args).join('\n')).toMatch(/npm run build -- "\$\{SERVICE[^"]*"/);

  const { argv, workdir } = imageCommand(sut);
  expect(argv[0]).toBe('node');
  expect(argv[argv.length - 1]).toBe('dist/main.js'); // exec form; `migrate` is appended by docker run / the Job's args
  expect(workdir).toBe('/app');
  expect(dist.args.split(' ').pop()).toMatch(/^(\.\/|\/app\/)dist$/);
});

it('declares ARG SERVICE in every stage that uses it', () => {
  for (const s of sut.stages) {
    const uses = s.instructions.filter((i) => i.keyword !== 'ARG' && /\$\{?SERVICE\b/.test(i.args));
    if (uses.length) expect(of(s, 'ARG').map((i) => i.args.split('=')[0])).toContain('SERVICE');
  }
});

it('copies every workspace manifest before installing, so the lockfile matches', () => {
  const manifests = sut.stages.flatMap((s) => of(s, 'COPY')).find((i) => i.flags.parents)!;
  const sources = manifests.args.split(' ').slice(0, -1);
  expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', ...rootPackage.workspaces.map((w) => `${w}/package.json`)]));
  // COPY --parents is generally available from dockerfile frontend 1.20.
  const [major, minor] = (/dockerfile:(\d+)\.(\d+)/.exec(sut.syntax ?? '') ?? []).slice(1).map(Number);
  expect(major! > 1 || (major === 1 && minor! >= 20)).toBe(true);
});

it('keeps installed packages, build output, local data and git out of the build context', () => {
  const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const p of ['node_modules', 'dist', '.data', '.git', 'coverage']) expect(ignored.some((l) => l === p || l === `**/${p}`)).toBe(true);
});
