// Distributed mode as a container runs it: `main migrate` (the Helm hook Job), then one process
// per service on Kafka, and the gateway in its own process; SIGTERM drains and exits cleanly.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { provisionDatabase } from '@commonhold/kit';
import { adminUrl, bearer, eventually, gql, testKeys, uniquePrefix } from '@commonhold/testing';

const root = join(__dirname, '..', '..');
const node = (args: string[]) => [process.execPath, ['--import', 'tsx', ...args]] as const;
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

const children: { name: string; child: ChildProcess; log: string[] }[] = [];

function launch(name: string, script: string, env: Record<string, string>) {
  const [cmd, args] = node([script]);
  const child = spawn(cmd, args, { cwd: root, env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  child.stdout!.on('data', (d) => log.push(String(d)));
  child.stderr!.on('data', (d) => log.push(String(d)));
  children.push({ name, child, log });
  return child;
}

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
});

it('migrates, serves the federated query over Kafka, and drains on SIGTERM', async () => {
  const keys = await testKeys();
  const prefix = uniquePrefix();
  const ports = { gateway: await freePort(), fundraising: await freePort(), volunteers: await freePort() };
  const common = { JWKS_FILE: keys.jwksFile, KAFKA_BROKERS: process.env.KAFKA_BROKERS!, KAFKA_TOPIC_PREFIX: `${prefix}.`, CONSUMER_BACKOFF_MS: '20' };
  const svcEnv: Record<string, Record<string, string>> = {};
  for (const name of ['fundraising', 'volunteers'] as const) {
    const db = await provisionDatabase({ adminUrl: adminUrl(), database: `${prefix}${name}`, appRole: `${prefix}${name}_app`, appPassword: 'pw' });
    svcEnv[name] = { ...common, PORT: String(ports[name]), DATABASE_URL: db.appUrl, DATABASE_MIGRATION_URL: db.ownerUrl };
    const [cmd, args] = node([`services/${name}/src/main.ts`, 'migrate']);
    const migrated = spawnSync(cmd, args, { cwd: root, env: { ...process.env, NODE_ENV: 'test', ...svcEnv[name] }, encoding: 'utf8' });
    expect(migrated.status).toBe(0);
    expect(migrated.stdout).toMatch(/migrations applied/);
  }
  const fundraising = launch('fundraising', 'services/fundraising/src/main.ts', svcEnv.fundraising!);
  const volunteers = launch('volunteers', 'services/volunteers/src/main.ts', svcEnv.volunteers!);
  const gateway = launch('gateway', 'gateway/src/main.ts', {
    PORT: String(ports.gateway),
    JWKS_FILE: keys.jwksFile,
    SUBGRAPH_FUNDRAISING_URL: `http://127.0.0.1:${ports.fundraising}/graphql`,
    SUBGRAPH_VOLUNTEERS_URL: `http://127.0.0.1:${ports.volunteers}/graphql`,
  });
  for (const port of Object.values(ports)) {
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined))?.ok, { timeoutMs: 60_000, intervalMs: 200 });
  }

  const url = `http://127.0.0.1:${ports.gateway}/graphql`;
  const auth = bearer(await keys.token('dist-tenant'));
  const c = await gql(url, `mutation { createContact(input: { firstName: "Mary", lastName: "Somerville", idempotencyKey: "d-c" }) { contact { id } } }`, undefined, auth);
  expect(c.errors).toBeUndefined();
  const contactId = c.data.createContact.contact.id;
  await eventually(async () => !(await gql(url, `mutation($c: ID!) { registerVolunteer(input: { contactId: $c, idempotencyKey: "d-v" }) { volunteerProfile { status } } }`, { c: contactId }, auth)).errors, { timeoutMs: 30_000 });
  const g = await gql(url, `mutation($c: ID!) { recordGift(input: { contactId: $c, amount: { amountMinor: 777, currency: "GBP" }, receivedAt: "2026-10-01T00:00:00Z", idempotencyKey: "d-g" }) { gift { id } } }`, { c: contactId }, auth);
  const giftId = g.data.recordGift.gift.id;
  const r = await eventually(async () => {
    const res = await gql(url, `query($g: ID!) { gift(id: $g) { amount { amountMinor } contact { giving { lifetimeTotal { amountMinor } } volunteerProfile { status } } } }`, { g: giftId }, auth);
    return res.data?.gift.contact.giving.lifetimeTotal.amountMinor === 777 ? res : undefined;
  }, { timeoutMs: 30_000 });
  expect(r.data.gift.contact.volunteerProfile).toEqual({ status: 'ACTIVE' });

  // Logs are pino JSON lines carrying the service and, for requests, request/trace/tenant ids.
  const lines = children.find((x) => x.name === 'fundraising')!.log.join('').split('\n').filter((l) => l.startsWith('{'));
  expect(lines.length).toBeGreaterThan(0);
  for (const l of lines) expect(JSON.parse(l)).toMatchObject({ level: expect.any(String), time: expect.any(String), service: 'fundraising' });

  expect(await stop(gateway)).toBe(0);
  expect(await stop(fundraising)).toBe(0);
  expect(await stop(volunteers)).toBe(0);
}, 180_000);
