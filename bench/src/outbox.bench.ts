/**
 * Outbox relay against a real Kafka broker, compared with a raw kafkajs producer.
 *
 *  (a) raw: an idempotent kafkajs producer (acks -1, maxInFlightRequests 1, as KafkaTransport
 *      configures it) sends M prebuilt messages (CloudEvents binary mode, as toTransportMessage
 *      makes them for `gift.recorded.v1`) with sendBatch in batches of B to a fresh 3-partition
 *      topic; events/s = M / time until the last batch is acknowledged.
 *  (b) outbox: M events committed through enqueueEvents (B events per transaction, one writer)
 *      while an OutboxRelay (batchSize B) publishes them via KafkaTransport to the same broker;
 *      events/s = M / (first commit → the acknowledgement of the last event). Acks are observed by
 *      wrapping the transport's publish (it resolves once Kafka acknowledged the whole batch).
 *      Also: the relay alone draining a pre-filled outbox of M events (OutboxRelay.flush()).
 *  (c) latency: --latency-events single-event transactions, one every --interval-ms, with the
 *      relay running; per event, commit (the COMMIT round trip resolved) → its publish resolved.
 *      Split into commit → publish started (wake-up + claim + envelope) and the Kafka ack itself.
 *  (d) burst: pairs of single-event transactions committed back to back, then --burst-gap-ms of
 *      silence; the same latency, which exposes notifications lost while the relay is draining.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import {
  createDataSource,
  defaultSchemasDir,
  enqueueEvents,
  EventRegistry,
  KafkaTransport,
  KitTables1763800000000,
  OutboxRelay,
  toTransportMessage,
  withTenant,
  type NewEvent,
  type OutboxEvent,
  type TransportMessage,
} from '@commonhold/kit';
import { createTestDatabase } from '@commonhold/testing';
import { machine } from './gateway.bench';
import { provisionInfra, log } from './infra';
import { numArg, percentile, round, sleep } from './stats';

const TYPE = 'commonhold.fundraising.gift.recorded.v1';
const TOPIC = 'fundraising.gift';
const TENANT = 'bench-tenant';
const contacts = Array.from({ length: 64 }, () => randomUUID());

function giftEvent(i: number): NewEvent {
  const giftId = randomUUID();
  const contactId = contacts[i % contacts.length]!;
  return {
    type: TYPE,
    subject: giftId,
    key: contactId,
    data: { giftId, contactId, amount: { amountMinor: 1000 + (i % 9000), currency: 'GBP' }, receivedAt: new Date().toISOString() },
  };
}

/** The message the relay would publish for `e`, built the same way (toTransportMessage). */
function asMessage(e: NewEvent): TransportMessage {
  const ev: OutboxEvent = {
    eventId: randomUUID(),
    tenantId: TENANT,
    topic: TOPIC,
    key: e.key ?? e.subject,
    type: e.type,
    source: 'fundraising',
    subject: e.subject,
    data: e.data,
    time: new Date().toISOString(),
    traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
  };
  return toTransportMessage(ev);
}

const stat = (xs: number[]) => ({
  p50: round(percentile(xs, 50)),
  p95: round(percentile(xs, 95)),
  p99: round(percentile(xs, 99)),
  max: round(Math.max(...xs)),
});

/** Observes every batch KafkaTransport.publish sends: when it started and when Kafka acked it. */
function instrument(transport: KafkaTransport) {
  const acked = new Map<string, { start: number; ack: number; batch: number }>();
  const batches: number[] = [];
  const publishMs: number[] = [];
  let waiters: { n: number; resolve: () => void }[] = [];
  const original = transport.publish.bind(transport);
  transport.publish = async (messages: TransportMessage[]) => {
    const start = performance.now();
    await original(messages);
    const ack = performance.now();
    batches.push(messages.length);
    publishMs.push(ack - start);
    for (const m of messages) acked.set(m.headers.ce_id!, { start, ack, batch: messages.length });
    waiters = waiters.filter((w) => (acked.size >= w.n ? (w.resolve(), false) : true));
  };
  return {
    acked,
    batches,
    publishMs,
    /** Resolves once `n` distinct events were acknowledged in total (or rejects after timeoutMs). */
    until: (n: number, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        if (acked.size >= n) return resolve();
        const t = setTimeout(() => reject(new Error(`only ${acked.size}/${n} events acknowledged after ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      }),
    reset: () => {
      acked.clear();
      batches.length = 0;
      publishMs.length = 0;
    },
  };
}

async function commitEvents(ds: DataSource, registry: EventRegistry, events: NewEvent[]): Promise<string[]> {
  return withTenant(ds, TENANT, (m) => enqueueEvents(m, registry, 'fundraising', TENANT, events));
}

export async function outboxBench(argv: string[]): Promise<Record<string, unknown>> {
  const M = numArg(argv, 'messages', 20_000);
  const B = numArg(argv, 'batch', 500);
  const latencyEvents = numArg(argv, 'latency-events', 500);
  const intervalMs = numArg(argv, 'interval-ms', 5);
  const bursts = numArg(argv, 'bursts', 100);
  const burstGapMs = numArg(argv, 'burst-gap-ms', 30);
  const t0 = Date.now();
  const host = machine(); // load average before the bench adds its own

  const infra = await provisionInfra({ kafka: true });
  const brokers = infra.kafkaBrokers!.split(',');
  const relayLog = pino({ level: 'warn', base: { service: 'bench-relay' } }, pino.destination(2));
  const registry = EventRegistry.fromDirectory(join(defaultSchemasDir(), 'events'));
  const topicPrefix = `t${infra.runId}_${randomBytes(3).toString('hex')}.`;
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    // ---------------------------------------------------------------- (a) raw kafkajs baseline
    const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.WARN, retry: { retries: 8, initialRetryTime: 100 } });
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const rawTopic = `${topicPrefix}raw.${TOPIC}`;
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: rawTopic, numPartitions: 3, replicationFactor: -1 }] });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const envStart = performance.now();
    const messages = Array.from({ length: M }, (_, i) => asMessage(giftEvent(i)));
    const envelopeUs = ((performance.now() - envStart) * 1000) / M;
    const bytes = messages.reduce((s, m) => s + m.value.length + m.key.length + Object.entries(m.headers).reduce((h, [k, v]) => h + k.length + v.length, 0), 0) / M;
    const send = (chunk: TransportMessage[]) =>
      producer.sendBatch({ acks: -1, topicMessages: [{ topic: rawTopic, messages: chunk.map((m) => ({ key: m.key, value: m.value, headers: m.headers })) }] });
    await send(messages.slice(0, Math.min(B, M))); // warm-up: metadata, producer id, connections
    const rawStart = performance.now();
    for (let i = 0; i < M; i += B) await send(messages.slice(i, i + B));
    const rawSeconds = (performance.now() - rawStart) / 1000;
    const raw = { events: M, seconds: round(rawSeconds), eventsPerSec: round(M / rawSeconds) };
    log(`raw kafkajs: ${raw.eventsPerSec} events/s (${M} events, batches of ${B}, ~${Math.round(bytes)} bytes each)`);

    // ---------------------------------------------------------------- outbox database + relay
    const db = await createTestDatabase('benchsvc', [KitTables1763800000000]);
    const ds = createDataSource({ url: db.appUrl, entities: [], migrations: [], poolSize: 10, applicationName: 'bench-writer' });
    await ds.initialize();
    cleanups.push(() => ds.destroy());
    const transport = new KafkaTransport({ brokers, clientId: 'bench-outbox', topicPrefix, log: relayLog });
    await transport.connect();
    cleanups.push(() => transport.close());
    await transport.ensureTopics([TOPIC]);
    const probe = instrument(transport);
    const relayName = `bench-${randomBytes(3).toString('hex')}`;
    const newRelay = () => new OutboxRelay({ databaseUrl: db.appUrl, transport, log: relayLog, batchSize: B, name: relayName });

    // warm-up: one batch through the whole path (JIT, pools, producer id)
    {
      const relay = newRelay();
      await commitEvents(ds, registry, Array.from({ length: Math.min(B, M) }, (_, i) => giftEvent(i)));
      await relay.flush();
      await relay.stop();
      probe.reset();
    }

    // ---------------------------------------------------------------- (b) outbox end to end
    const relay = newRelay();
    await relay.start();
    cleanups.push(() => relay.stop());
    await sleep(100); // leadership (advisory lock) taken
    const e2eStart = performance.now();
    for (let i = 0; i < M; i += B) await commitEvents(ds, registry, Array.from({ length: Math.min(B, M - i) }, (_, j) => giftEvent(i + j)));
    const commitSeconds = (performance.now() - e2eStart) / 1000;
    await probe.until(M);
    const e2eSeconds = (Math.max(...[...probe.acked.values()].map((a) => a.ack)) - e2eStart) / 1000;
    const e2eBatches = [...probe.batches];
    const e2ePublishMs = [...probe.publishMs];
    const outbox = {
      events: M,
      seconds: round(e2eSeconds),
      eventsPerSec: round(M / e2eSeconds),
      commitOnlyEventsPerSec: round(M / commitSeconds),
      relayBatches: e2eBatches.length,
      meanRelayBatch: round(M / e2eBatches.length),
      kafkaPublishMsPerBatch: stat(e2ePublishMs),
    };
    log(`outbox end to end: ${outbox.eventsPerSec} events/s (commits alone ${outbox.commitOnlyEventsPerSec}/s, ${e2eBatches.length} relay batches)`);
    probe.reset();

    // relay alone, draining a full outbox (what the relay can do when the writers are not the limit)
    await relay.stop();
    cleanups.pop();
    for (let i = 0; i < M; i += B) await commitEvents(ds, registry, Array.from({ length: Math.min(B, M - i) }, (_, j) => giftEvent(i + j)));
    const drainRelay = newRelay();
    const drainStart = performance.now();
    const drained = await drainRelay.flush();
    const drainSeconds = (performance.now() - drainStart) / 1000;
    await drainRelay.stop();
    const drainPublishMs = [...probe.publishMs];
    const relayDrain = {
      events: drained,
      seconds: round(drainSeconds),
      eventsPerSec: round(drained / drainSeconds),
      kafkaShareOfTime: round(drainPublishMs.reduce((s, x) => s + x, 0) / 1000 / drainSeconds),
    };
    log(`relay drain: ${relayDrain.eventsPerSec} events/s (Kafka publish ${Math.round(relayDrain.kafkaShareOfTime * 100)}% of the time)`);
    probe.reset();

    // ---------------------------------------------------------------- (c) commit → publish latency
    const latRelay = newRelay();
    await latRelay.start();
    cleanups.push(() => latRelay.stop());
    await sleep(200);
    const measureLatency = async (commits: Map<string, number>, expected: number) => {
      await probe.until(expected, 30_000).catch((err) => log(`latency: ${(err as Error).message}`));
      const total: number[] = [];
      const toPublish: number[] = [];
      const kafkaAck: number[] = [];
      for (const [id, committed] of commits) {
        const a = probe.acked.get(id);
        if (!a) continue;
        total.push(a.ack - committed);
        toPublish.push(a.start - committed);
        kafkaAck.push(a.ack - a.start);
      }
      return {
        events: commits.size,
        acknowledged: total.length,
        commitToPublishMs: stat(total),
        commitToPublishStartMs: stat(toPublish),
        kafkaAckMs: stat(kafkaAck),
        over10ms: total.filter((x) => x > 10).length,
        over100ms: total.filter((x) => x > 100).length,
        meanRelayBatch: round(total.length / probe.batches.length),
      };
    };

    const steadyCommits = new Map<string, number>();
    const steadyStart = performance.now();
    for (let i = 0; i < latencyEvents; i++) {
      const due = steadyStart + i * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const [id] = await commitEvents(ds, registry, [giftEvent(i)]);
      steadyCommits.set(id!, performance.now());
    }
    const steady = { intervalMs, ...(await measureLatency(steadyCommits, latencyEvents)) };
    log(`latency (1 event/tx every ${intervalMs} ms): ${JSON.stringify(steady.commitToPublishMs)}`);
    probe.reset();

    // ---------------------------------------------------------------- (d) bursts of two commits
    const burstCommits = new Map<string, number>();
    for (let b = 0; b < bursts; b++) {
      // Two independent requests committing at (nearly) the same time, then silence.
      await Promise.all(
        [0, 1].map(async (k) => {
          const [id] = await commitEvents(ds, registry, [giftEvent(b * 2 + k)]);
          burstCommits.set(id!, performance.now());
        }),
      );
      await sleep(burstGapMs);
    }
    const burst = { pairs: bursts, gapMs: burstGapMs, ...(await measureLatency(burstCommits, bursts * 2)) };
    log(`latency (pairs, ${burstGapMs} ms apart): ${JSON.stringify(burst.commitToPublishMs)}`);

    const ratio = round(outbox.eventsPerSec / raw.eventsPerSec);
    const meets = { throughput: ratio >= 0.5, p95: steady.commitToPublishMs.p95 <= 10 };
    return {
      bench: 'outbox',
      date: new Date().toISOString(),
      machine: host,
      setup: {
        kafka: infra.kafkaBrokers,
        kafkaStartedByBench: infra.kafkaStarted,
        postgres: infra.pgSource,
        eventType: TYPE,
        messageBytes: Math.round(bytes),
        envelopeMicrosPerEvent: round(envelopeUs),
        messages: M,
        batch: B,
        partitions: 3,
      },
      raw,
      outbox,
      relayDrain,
      ratio: { outboxOverRawEventsPerSec: ratio, relayDrainOverRaw: round(relayDrain.eventsPerSec / raw.eventsPerSec) },
      latency: steady,
      burstLatency: burst,
      targets: { throughputRatio: '>= 0.5', p95CommitToPublishMs: '<= 10' },
      meetsTargets: { ...meets, all: meets.throughput && meets.p95 },
      totalSeconds: round((Date.now() - t0) / 1000),
    };
  } finally {
    for (const c of cleanups.reverse()) await c().catch((err) => log(`cleanup step failed: ${(err as Error).message}`));
    await infra.cleanup();
  }
}
