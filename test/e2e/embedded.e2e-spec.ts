// The front door: `npm start` boots the whole platform on embedded PostgreSQL with the in-process
// bus, `npm run token` mints a token it accepts, and data survives a restart (SIGTERM → clean exit).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer, eventually, gql } from '@commonhold/testing';

const root = join(__dirname, '..', '..');
// One process (no tsx wrapper relaying signals), exactly as `npm start` runs it.
const tsx = process.execPath;
const tsxArgs = ['--import', 'tsx'];

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

let dataDir: string;
let env: NodeJS.ProcessEnv;
let gatewayUrl: string;

async function start(): Promise<{ child: ChildProcess; seconds: number }> {
  const child = spawn(tsx, [...tsxArgs, 'scripts/start-embedded.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  const seconds = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 120 s:\n${out}`)), 120_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /ready in ([\d.]+)s/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`exited early (${code}):\n${out}`)));
  });
  return { child, seconds };
}

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'commonhold-embedded-'));
  chmodSync(dataDir, 0o755); // embedded PostgreSQL runs as the unprivileged postgres user when we are root
  const [pg, gw, fr, vo] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  env = { ...process.env, NODE_ENV: 'development', COMMONHOLD_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pg), GATEWAY_PORT: String(gw), FUNDRAISING_PORT: String(fr), VOLUNTEERS_PORT: String(vo), KAFKA_BROKERS: '', REDIS_URL: '' };
  delete env.KAFKA_BROKERS;
  delete env.REDIS_URL;
  gatewayUrl = `http://127.0.0.1:${gw}/graphql`;
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('runs the platform, accepts the dev token, and keeps data across a restart', async () => {
  const first = await start();
  expect(first.seconds).toBeGreaterThan(0);
  const token = spawnSync(tsx, [...tsxArgs, 'scripts/token.ts', '--tenant', 'demo', '--role', 'admin'], { cwd: root, env, encoding: 'utf8' }).stdout.trim();
  expect(token.split('.')).toHaveLength(3);
  const as = (q: string, v?: Record<string, unknown>) => gql(gatewayUrl, q, v, bearer(token));

  const c = await as(`mutation { createContact(input: { firstName: "Ada", lastName: "Lovelace", idempotencyKey: "front-door-c" }) { contact { id } } }`);
  expect(c.errors).toBeUndefined();
  const contactId = c.data.createContact.contact.id;
  const g = await as(`mutation($c: ID!) { recordGift(input: { contactId: $c, amount: { amountMinor: 1000, currency: "GBP" }, receivedAt: "2026-11-01T10:00:00Z", idempotencyKey: "front-door-g" }) { gift { id } } }`, { c: contactId });
  const giftId = g.data.recordGift.gift.id;
  await eventually(async () => (await as(`query($c: ID!) { contact(id: $c) { giving { giftCount } } }`, { c: contactId })).data?.contact.giving.giftCount === 1);
  await eventually(async () => !(await as(`mutation($c: ID!) { registerVolunteer(input: { contactId: $c, idempotencyKey: "front-door-v" }) { volunteerProfile { status } } }`, { c: contactId })).errors);

  expect(await stop(first.child)).toBe(0);

  const second = await start();
  try {
    const again = await as(`query($g: ID!) { gift(id: $g) { amount { amountMinor } contact { giving { giftCount lifetimeTotal { amountMinor } } volunteerProfile { status } } } }`, { g: giftId });
    expect(again.data).toEqual({ gift: { amount: { amountMinor: 1000 }, contact: { giving: { giftCount: 1, lifetimeTotal: { amountMinor: 1000 } }, volunteerProfile: { status: 'ACTIVE' } } } });
    const unauth = await gql(gatewayUrl, `{ gifts { edges { node { id } } } }`);
    expect(unauth.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  } finally {
    expect(await stop(second.child)).toBe(0);
  }
}, 240_000);

it('refuses to mint development tokens in production', () => {
  const r = spawnSync(tsx, [...tsxArgs, 'scripts/token.ts', '--tenant', 'demo'], { cwd: root, env: { ...env, NODE_ENV: 'production' }, encoding: 'utf8' });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(/refused when NODE_ENV=production/);
});
