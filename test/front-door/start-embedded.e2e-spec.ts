// `npm start` on a machine where a port is taken: says which port and how to choose another,
// instead of printing `undefined` (issue 9 item 10).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

function occupy(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start-embedded.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', COMMONHOLD_DATA_DIR: mkdtempSync(join(tmpdir(), 'ch-data-')), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('npm start with a busy port', () => {
  it.each(['EMBEDDED_PG_PORT', 'GATEWAY_PORT'])('names a busy %s and how to choose another', async (variable) => {
    const { server, port } = await occupy();
    try {
      const free = await occupy();
      free.server.close();
      const env: Record<string, string> = variable === 'EMBEDDED_PG_PORT' ? { EMBEDDED_PG_PORT: String(port) } : { EMBEDDED_PG_PORT: String(free.port), GATEWAY_PORT: String(port) };
      const r = start(env);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`Port ${port} (${variable}) is already in use`);
      expect(r.stderr).toContain(`${variable}=${port + 1} npm start`);
      expect(r.stderr).not.toMatch(/^undefined$/m);
    } finally {
      server.close();
    }
  });
});
