/**
 * `node --import tsx bench/src/profile-summary.ts <file.cpuprofile> [top] [--skip-s N] [--requests N]`:
 * where a V8 CPU profile (node --cpu-prof) spent its samples — self time by function and by
 * package — so a profile of the gateway under load (`npm run bench -- gateway --cpu-prof <dir>`)
 * can be read without a GUI. `--skip-s` leaves out the first N seconds (start-up, module loading);
 * `--requests` (the requests the process served, from the bench's JSON) adds µs per request.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = Number(args[i + 1]);
  args.splice(i, 2);
  return v;
};
const skipUs = (flag('skip-s') ?? 0) * 1e6;
const requests = flag('requests');
const [file, topArg] = args;
if (!file) {
  process.stderr.write('usage: profile-summary <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
let elapsed = 0;
prof.samples.forEach((id, i) => {
  elapsed += prof.timeDeltas[i] ?? 0;
  if (elapsed >= skipUs) selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const pkgOf = (url: string) => {
  if (!url) return '(native/vm)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:')) return 'node core';
  const ours = /\/(gateway|packages\/[^/]+|services\/[^/]+|bench)\//.exec(url);
  return ours ? `ours: ${ours[1]}` : url;
};
const fnKey = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/wt-[^/]+\//, '')}:${n.callFrame.lineNumber + 1}`;

const byFn = new Map<string, number>();
const byPkg = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  const name = n.callFrame.functionName;
  const key = ['(idle)', '(program)', '(garbage collector)'].includes(name) ? name : fnKey(n);
  byFn.set(key, (byFn.get(key) ?? 0) + us);
  const pkg = ['(idle)', '(program)', '(garbage collector)'].includes(name) ? name : pkgOf(n.callFrame.url);
  byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + us);
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %${requests ? `  ${(us / requests).toFixed(1).padStart(7)} µs/request` : ''}`;
const busy = total - (byPkg.get('(idle)') ?? 0);
process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy${requests ? ` (${(busy / requests).toFixed(0)} µs per request)` : ''}\n\nself time by package:\n`);
for (const [k, v] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(v)}  ${k}\n`);
process.stdout.write('\nself time by function:\n');
for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(v)}  ${k}\n`);
