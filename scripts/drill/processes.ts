import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import net from 'node:net';

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (or null when killed). */
export function stopChild(child: ChildProcess, graceMs = 8_000): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

export interface ServiceProcess {
  role: 'stable' | 'canary';
  port: number;
  child: ChildProcess;
  logFile: string;
  logTail(lines?: number): string;
}

const tail = (file: string, lines = 25) => {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
};

/** `node --import tsx services/<name>/src/main.ts migrate`, as the Helm hook Job runs `main migrate`. */
export function runMigrate(root: string, service: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `services/${service}/src/main.ts`, 'migrate'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0 && /migrations applied/.test(out)) resolve(out);
      else reject(new Error(`${service} migrate failed (exit ${code}):\n${out}`));
    });
  });
}

/** One build of the service in its own process (as its container would run it), logging to a file. */
export function launchService(root: string, service: string, role: 'stable' | 'canary', port: number, env: Record<string, string>, logFile: string): ServiceProcess {
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', `services/${service}/src/main.ts`], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', out, out],
  });
  return { role, port, child, logFile, logTail: (lines) => tail(logFile, lines) };
}

/** Polls /ready until 200; fails early if the process exits. */
export async function waitReady(p: ServiceProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (p.child.exitCode !== null) throw new Error(`${p.role} exited with ${p.child.exitCode} before becoming ready:\n${p.logTail()}`);
    const ok = await fetch(`http://127.0.0.1:${p.port}/ready`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${p.role} not ready after ${timeoutMs} ms:\n${p.logTail()}`);
}
