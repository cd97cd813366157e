// Tracing as deployed: the gateway and both subgraphs in their own processes on Kafka, each with
// the kit's telemetry (kept instrumentations, parent-based ratio sampling) exporting OTLP/HTTP to a
// receiver in this test. New traces are sampled at ratio 0, so only a caller's sampled traceparent
// is recorded: the one trace must run gateway → subgraph → outbox → Kafka → consumer, and nothing
// else (no fs/dns/net/express spans, no probes, no unsampled traffic) may be exported.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { provisionDatabase } from '@commonhold/kit';
import { adminUrl, bearer, eventually, gql, testKeys, uniquePrefix } from '@commonhold/testing';

const root = join(__dirname, '..', '..');
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

interface ExportedSpan {
  service: string;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}

type AnyValue = { stringValue?: string };
interface OtlpBody {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: AnyValue }[] };
    scopeSpans?: { scope?: { name?: string }; spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string }[] }[];
  }[];
}

/** An OTLP/HTTP (JSON) trace receiver: keeps every span it is sent. */
async function otlpReceiver() {
  const spans: ExportedSpan[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody;
      for (const rs of body.resourceSpans ?? []) {
        const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
        for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ service, scope: ss.scope?.name ?? '?', traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, spans, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const children: { name: string; child: ChildProcess; log: string[] }[] = [];
function launch(name: string, script: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  await receiver?.close();
});

it('records a caller-sampled trace from the gateway through the subgraph and Kafka to the consumer, and nothing unsampled', async () => {
  receiver = await otlpReceiver();
  const keys = await testKeys();
  const prefix = uniquePrefix();
  const ports = { gateway: await freePort(), fundraising: await freePort(), volunteers: await freePort() };
  const telemetry = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0', OTEL_BSP_SCHEDULE_DELAY: '100' };
  const common = { ...telemetry, JWKS_FILE: keys.jwksFile, KAFKA_BROKERS: process.env.KAFKA_BROKERS!, KAFKA_TOPIC_PREFIX: `${prefix}.`, CONSUMER_BACKOFF_MS: '20' };
  const svcEnv: Record<string, Record<string, string>> = {};
  for (const name of ['fundraising', 'volunteers'] as const) {
    const db = await provisionDatabase({ adminUrl: adminUrl(), database: `${prefix}${name}`, appRole: `${prefix}${name}_app`, appPassword: 'pw' });
    svcEnv[name] = { ...common, PORT: String(ports[name]), DATABASE_URL: db.appUrl, DATABASE_MIGRATION_URL: db.ownerUrl };
    const migrated = spawnSync(process.execPath, ['--import', 'tsx', `services/${name}/src/main.ts`, 'migrate'], { cwd: root, env: { ...process.env, NODE_ENV: 'test', ...svcEnv[name] }, encoding: 'utf8' });
    expect(migrated.status).toBe(0);
  }
  const fundraising = launch('fundraising', 'services/fundraising/src/main.ts', svcEnv.fundraising!);
  const volunteers = launch('volunteers', 'services/volunteers/src/main.ts', svcEnv.volunteers!);
  const gateway = launch('gateway', 'gateway/src/main.ts', {
    ...telemetry,
    PORT: String(ports.gateway),
    JWKS_FILE: keys.jwksFile,
    SUBGRAPH_FUNDRAISING_URL: `http://127.0.0.1:${ports.fundraising}/graphql`,
    SUBGRAPH_VOLUNTEERS_URL: `http://127.0.0.1:${ports.volunteers}/graphql`,
  });
  for (const port of Object.values(ports)) {
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined))?.ok, { timeoutMs: 60_000, intervalMs: 200 });
  }
  const url = `http://127.0.0.1:${ports.gateway}/graphql`;
  const auth = bearer(await keys.token('trace-tenant'));

  // Unsampled traffic first (no traceparent: a new trace at ratio 0; and an explicit unsampled one).
  expect((await gql(url, '{ contacts { pageInfo { hasNextPage } } }', undefined, auth)).errors).toBeUndefined();
  expect((await gql(url, '{ contacts { pageInfo { hasNextPage } } }', undefined, { ...auth, traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00` })).errors).toBeUndefined();

  const traceId = randomBytes(16).toString('hex');
  const c = await gql(url, `mutation { createContact(input: { firstName: "Ada", lastName: "Lovelace", idempotencyKey: "trace-c" }) { contact { id } } }`, undefined, {
    ...auth,
    traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
  });
  expect(c.errors).toBeUndefined();

  // The consumer in volunteers learns of the contact from fundraising's event, in the caller's trace.
  const consumed = await eventually(async () => receiver.spans.find((s) => s.service === 'volunteers' && s.name.startsWith('consume ') && s.traceId === traceId), { timeoutMs: 30_000 }).catch((err) => {
    const seen = receiver.spans.map((s) => `${s.service} ${s.scope} ${s.name} ${s.traceId === traceId ? 'ours' : s.traceId}`);
    throw new Error(`${(err as Error).message}\nspans: ${seen.join('\n')}\n${children.map((c) => `${c.name}: ${c.log.join('').slice(-2000)}`).join('\n')}`);
  });
  expect(consumed.name).toMatch(/contact\.created/);
  const ours = receiver.spans.filter((s) => s.traceId === traceId);
  const services = new Set(ours.map((s) => s.service));
  expect(services).toEqual(new Set(['gateway', 'fundraising', 'volunteers']));
  // The kept kinds: HTTP server and client (the subgraph fetch), the GraphQL operation, pg, Redis
  // (the gateway's rate limits), and the hop through Kafka: the relay's publish, the consumer.
  const scopes = new Set(ours.map((s) => `${s.service}:${s.scope}`));
  for (const s of ['gateway:commonhold-kit', 'gateway:apollo/gateway-js', 'gateway:@opentelemetry/instrumentation-ioredis', 'fundraising:@opentelemetry/instrumentation-http', 'fundraising:@opentelemetry/instrumentation-graphql', 'fundraising:@opentelemetry/instrumentation-pg']) {
    expect(scopes).toContain(s);
  }
  // The subgraph's server span hangs under the gateway's fetch span; the gateway's per-request
  // bookkeeping (validate, plan, postprocessing) is not recorded.
  const fetchSpan = ours.find((s) => s.service === 'gateway' && s.name === 'gateway.fetch');
  expect(ours.find((s) => s.service === 'fundraising' && s.scope === '@opentelemetry/instrumentation-http')?.parentSpanId).toBe(fetchSpan?.spanId);
  expect(ours.filter((s) => ['gateway.validate', 'gateway.plan', 'gateway.postprocessing'].includes(s.name))).toEqual([]);
  expect(ours.some((s) => s.service === 'fundraising' && /^publish .*contact/.test(s.name))).toBe(true);
  // One trace: every span's parent is a span of the same trace, except the caller's remote parent.
  const ids = new Set(ours.map((s) => s.spanId));
  const roots = ours.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
  expect(roots.map((s) => `${s.service} ${s.name}`)).toEqual(['gateway gateway graphql']);

  expect(await stop(gateway)).toBe(0);
  expect(await stop(fundraising)).toBe(0);
  expect(await stop(volunteers)).toBe(0);
  // Shutdown flushed every batch. Nothing unsampled was recorded, and nothing of the dropped kinds.
  expect(new Set(receiver.spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
  for (const s of receiver.spans) expect(s.scope).not.toMatch(/instrumentation-(fs|dns|net|express)$/);
  // One resolver span per root field; none for the fields below it.
  expect(receiver.spans.filter((s) => /^graphql\.resolve /.test(s.name)).map((s) => s.name)).toEqual(['graphql.resolve createContact']);
}, 180_000);
