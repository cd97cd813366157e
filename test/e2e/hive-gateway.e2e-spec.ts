// Our supergraph stays a drop-in for another router: Hive Gateway (the bench's peer, a
// devDependency of bench/) serves schemas/supergraph.graphql against the same running subgraphs
// and gives the same answer as our gateway to a query that crosses fundraising and volunteers.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultSchemasDir } from '@commonhold/kit';
import { bearer, eventually, gql } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';

const root = join(__dirname, '..', '..');
const HIVE_BIN = join(dirname(require.resolve('@graphql-hive/gateway/package.json')), 'dist', 'bin.js');
const HIVE_CONFIG = join(root, 'bench', 'src', 'peer', 'hive-gateway.config.mjs');

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

let platform: TestPlatform;
let hive: ChildProcess | undefined;
const hiveLog: string[] = [];

afterAll(async () => {
  if (hive && hive.exitCode === null) {
    const exited = new Promise((r) => hive!.once('exit', r));
    hive.kill('SIGTERM');
    await exited;
  }
  await platform?.stop();
});

it('serves the supergraph on Hive Gateway with the same answer as ours to a federated query', async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['fundraising', 'volunteers'] });
  // The supergraph as composed, with this run's subgraph URLs (Hive routes by the file's URLs).
  let sdl = readFileSync(join(defaultSchemasDir(), 'supergraph.graphql'), 'utf8');
  for (const name of ['fundraising', 'volunteers']) {
    sdl = sdl.replace(new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]+(")`), `$1${platform.services[name]!.url}$2`);
  }
  expect(sdl).toContain(platform.services.volunteers!.url);
  const file = join(mkdtempSync(join(tmpdir(), 'hive-supergraph-')), 'supergraph.graphql');
  writeFileSync(file, sdl);
  const port = await freePort();
  hive = spawn(process.execPath, [HIVE_BIN, 'supergraph', file, '--config-path', HIVE_CONFIG, '--port', String(port), '--host', '127.0.0.1', '--fork', '1'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  hive.stdout!.on('data', (d) => hiveLog.push(String(d)));
  hive.stderr!.on('data', (d) => hiveLog.push(String(d)));
  await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readiness`).catch(() => undefined))?.ok, { timeoutMs: 45_000, intervalMs: 200 }).catch((err) => {
    throw new Error(`Hive Gateway not ready: ${(err as Error).message}\n${hiveLog.join('')}`);
  });

  const tenant = `hive-${randomUUID().slice(0, 8)}`;
  const as = platform.as(tenant);
  const c = await as(`mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id } } }`, { i: { firstName: 'Ada', lastName: 'Lovelace', idempotencyKey: randomUUID() } });
  const contactId = c.data.createContact.contact.id as string;
  // volunteers learns of the contact from fundraising's event (in-process bus), then registers it.
  await eventually(async () => !(await as(`mutation($c: ID!) { registerVolunteer(input: { contactId: $c, idempotencyKey: "hive-v" }) { volunteerProfile { status } } }`, { c: contactId })).errors || undefined, { timeoutMs: 15_000 });
  const g = await as(`mutation($i: RecordGiftInput!) { recordGift(input: $i) { gift { id } } }`, {
    i: { contactId, amount: { amountMinor: 4200, currency: 'GBP' }, receivedAt: '2026-11-01T10:00:00Z', idempotencyKey: randomUUID() },
  });
  const giftId = g.data.recordGift.gift.id as string;

  const query = 'query Federated($id: ID!) { gift(id: $id) { id amount { amountMinor currency } contact { id firstName volunteerProfile { status } } } }';
  const auth = bearer(await platform.token(tenant));
  const ours = await gql(platform.gateway.url, query, { id: giftId }, auth);
  const peer = await gql(`http://127.0.0.1:${port}/graphql`, query, { id: giftId }, auth);
  expect(ours.errors).toBeUndefined();
  expect(ours.data).toEqual({ gift: { id: giftId, amount: { amountMinor: 4200, currency: 'GBP' }, contact: { id: contactId, firstName: 'Ada', volunteerProfile: { status: 'ACTIVE' } } } });
  expect(peer.status).toBe(200);
  expect(peer.errors).toBeUndefined();
  expect(peer.data).toEqual(ours.data);
  // And it is the caller's token that reaches the subgraphs: another tenant sees no gift.
  const other = await gql(`http://127.0.0.1:${port}/graphql`, query, { id: giftId }, bearer(await platform.token(`${tenant}-other`)));
  expect(other.data?.gift ?? null).toBeNull();
}, 90_000);
