import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type ConsumerRunConfig, type KafkaMessage, type Producer, type IHeaders } from 'kafkajs';
import type { Logger } from 'pino';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import type { BatchMessageHandler, MessageHandler, Subscription, Transport, TransportHealth, TransportMessage } from './transport';

export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  log?: Logger;
  /** Partitions for topics this transport creates. */
  partitions?: number;
  /**
   * Prefix for every topic and consumer group (e.g. one per test stack sharing a broker, or per
   * environment sharing a cluster). Handlers still see the unprefixed topic.
   */
  topicPrefix?: string;
  /** How often the broker is probed for reachability (default 2 s; 0 disables the probe). */
  probeIntervalMs?: number;
  /** A probe that takes longer than this counts as unreachable (default 3 s). */
  probeTimeoutMs?: number;
}

/** Metadata still settling right after topic creation: worth a few retries with backoff. */
const isRetriableKafkaError = (err: unknown): boolean => {
  const e = err as { retriable?: boolean; type?: string; message?: string };
  return e.retriable === true || /UNKNOWN_TOPIC_OR_PARTITION|LEADER_NOT_AVAILABLE/.test(`${e.type ?? ''} ${e.message ?? ''}`);
};
/** Errors that mean "the broker did not answer" (as opposed to a refused request). */
const isConnectionError = (err: unknown): boolean => {
  const e = err as { name?: string; message?: string; cause?: unknown };
  return /KafkaJSConnectionError|KafkaJSNumberOfRetriesExceeded|KafkaJSRequestTimeoutError|KafkaJSBrokerNotFound|KafkaJSLockTimeout/.test(e.name ?? '') ||
    /ECONNREFUSED|ECONNRESET|Connection (timeout|error|closed)|not connected|timed out/i.test(e.message ?? '');
};
const topicRetry = retry(handleWhen(isRetriableKafkaError), { maxAttempts: 5, backoff: new ExponentialBackoff({ initialDelay: 200, maxDelay: 3000 }) });

const headerString = (v: IHeaders[string]): string | undefined => {
  if (v === undefined) return undefined;
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
};

/**
 * Kafka through kafkajs: an idempotent producer with `acks: -1`, one consumer per group that
 * commits an offset only after the handler resolved (a throw means the message comes again).
 */
export class KafkaTransport implements Transport {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private producer?: Producer;
  private admin?: Admin;
  private readonly consumers = new Set<Consumer>();
  private readonly knownTopics = new Set<string>();
  private connected = false;
  private readonly prefix: string;
  private unreachableSince?: number;
  private probeTimer?: NodeJS.Timeout;
  private probing = false;

  constructor(private readonly opts: KafkaTransportOptions) {
    this.prefix = opts.topicPrefix ?? '';
    this.kafka = new Kafka({
      clientId: opts.clientId,
      brokers: opts.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => ({ level, log }) => {
        const { message, ...extra } = log;
        // Retries are bounded on purpose (see connect()); kafkajs warns about that on every connect.
        if (/Limiting retries for the idempotent producer/.test(message)) return void opts.log?.debug(extra, `kafka: ${message}`);
        if (level <= logLevel.ERROR) opts.log?.error(extra, `kafka: ${message}`);
        else if (level <= logLevel.WARN) opts.log?.warn(extra, `kafka: ${message}`);
      },
      retry: { retries: 8, initialRetryTime: 100 },
    });
  }

  async connect(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    // Idempotent (no duplicates from a send's own retries) with bounded retries: the outbox relay
    // must fail and roll back its claim rather than hang in an outage; consumers dedupe by event id,
    // so a batch re-sent after a failure is harmless.
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner, // Java-compatible murmur2: same key → same partition as other clients
    });
    await this.producer.connect();
    this.connected = true;
    this.unreachableSince = undefined;
    const every = this.opts.probeIntervalMs ?? 2000;
    if (every > 0) {
      this.probeTimer = setInterval(() => void this.probe(), every);
      this.probeTimer.unref();
    }
  }

  isConnected(): boolean {
    return this.connected;
  }

  health(): TransportHealth {
    if (!this.connected) return { reachable: false, unreachableSince: this.unreachableSince ?? Date.now() };
    return this.unreachableSince === undefined ? { reachable: true } : { reachable: false, unreachableSince: this.unreachableSince };
  }

  private markReachable(ok: boolean): void {
    if (ok) this.unreachableSince = undefined;
    else this.unreachableSince ??= Date.now();
  }

  /**
   * A cheap metadata round trip to the cluster, bounded in time: kafkajs would otherwise keep
   * retrying for tens of seconds, and `isConnected()` alone stays true through a broker outage.
   */
  private async probe(): Promise<void> {
    if (this.probing || !this.admin || !this.connected) return;
    this.probing = true;
    const timeoutMs = this.opts.probeTimeoutMs ?? 3000;
    const bounded = <T>(p: Promise<T>): Promise<T> => {
      p.catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('kafka probe timed out')), timeoutMs)))]).finally(() => clearTimeout(timer));
    };
    try {
      if (this.unreachableSince === undefined) {
        await bounded(this.admin.describeCluster());
      } else {
        // After an outage a fresh admin client (new connections, fresh metadata) tells the truth;
        // the old one can stay wedged on connections to the broker that went away.
        const fresh = this.kafka.admin();
        try {
          await bounded(fresh.connect());
          await bounded(fresh.describeCluster());
        } catch (err) {
          void fresh.disconnect().catch(() => undefined);
          throw err;
        }
        const old = this.admin;
        this.admin = fresh;
        void old.disconnect().catch(() => undefined);
      }
      this.markReachable(true);
    } catch {
      this.markReachable(false);
    } finally {
      this.probing = false;
    }
  }

  /** Creates topics that do not exist yet (each with its `.dlq`), so publish and subscribe never race auto-creation. */
  async ensureTopics(topics: string[]): Promise<void> {
    const wanted = [...new Set(topics.map((t) => this.prefix + t))].filter((t) => !this.knownTopics.has(t));
    if (!wanted.length) return;
    const admin = this.admin;
    if (!admin) throw new Error('kafka transport is not connected');
    // Right after creation a broker may briefly answer UNKNOWN_TOPIC_OR_PARTITION (metadata not yet
    // propagated); kafkajs does not retry that inside createTopics, so we do, a few times.
    await topicRetry.execute(async () => {
      const existing = new Set(await admin.listTopics());
      const missing = wanted.filter((t) => !existing.has(t));
      if (missing.length) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: this.opts.partitions ?? 3, replicationFactor: -1 })),
        });
      }
      await admin.fetchTopicMetadata({ topics: wanted }); // throws (retriably) until every topic has leaders
    });
    for (const t of wanted) this.knownTopics.add(t);
  }

  async publish(messages: TransportMessage[]): Promise<void> {
    if (!this.producer) throw new Error('kafka transport is not connected');
    if (!messages.length) return;
    await this.ensureTopics(messages.map((m) => m.topic));
    const byTopic = new Map<string, TransportMessage[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic);
      if (list) list.push(m);
      else byTopic.set(m.topic, [m]);
    }
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, ms]) => ({
          topic: this.prefix + topic,
          messages: ms.map((m) => ({ key: m.key, value: m.tombstone ? null : m.value, headers: m.headers })),
        })),
      });
    } catch (err) {
      if (isConnectionError(err)) this.markReachable(false);
      throw err;
    }
    this.markReachable(true);
  }

  subscribe(groupId: string, topics: string[], handler: MessageHandler): Promise<Subscription> {
    return this.run(groupId, topics, {
      eachMessage: async ({ topic, message }) => handler(this.toMessage(topic, message)),
    });
  }

  subscribeBatch(groupId: string, topics: string[], handler: BatchMessageHandler, opts: { maxMessages: number }): Promise<Subscription> {
    const max = Math.max(1, Math.floor(opts.maxMessages));
    return this.run(groupId, topics, {
      // Offsets are resolved slice by slice: a throw makes kafkajs commit what was resolved and fetch
      // again from the first message of the failed slice.
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (let i = 0; i < batch.messages.length; i += max) {
          if (!isRunning() || isStale()) return;
          const slice = batch.messages.slice(i, i + max);
          await handler(slice.map((m) => this.toMessage(batch.topic, m)));
          resolveOffset(slice[slice.length - 1]!.offset);
          await heartbeat();
        }
      },
    });
  }

  private toMessage(topic: string, message: KafkaMessage): TransportMessage {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(message.headers ?? {})) {
      const s = headerString(v);
      if (s !== undefined) headers[k] = s;
    }
    // A tombstone (null value) stays null: the consumer dead-letters it unchanged.
    return { topic: topic.slice(this.prefix.length), key: message.key?.toString('utf8') ?? '', value: message.value?.toString('utf8') ?? '', headers, ...(message.value === null ? { tombstone: true } : {}) };
  }

  private async run(groupId: string, topics: string[], runConfig: ConsumerRunConfig): Promise<Subscription> {
    await this.ensureTopics(topics);
    const consumer = this.kafka.consumer({ groupId: this.prefix + groupId, sessionTimeout: 10_000, heartbeatInterval: 1000, rebalanceTimeout: 10_000, allowAutoTopicCreation: false });
    await consumer.connect();
    await consumer.subscribe({ topics: topics.map((t) => this.prefix + t), fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run(runConfig);
    await joined;
    this.consumers.add(consumer);
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  async lag(groupId: string, topic: string): Promise<number> {
    if (!this.admin) return 0;
    const [latest, committed] = await Promise.all([
      this.admin.fetchTopicOffsets(this.prefix + topic),
      this.admin.fetchOffsets({ groupId: this.prefix + groupId, topics: [this.prefix + topic] }),
    ]);
    const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return latest.reduce((sum, p) => {
      const c = done.get(p.partition) ?? -1;
      const low = Number(p.low);
      return sum + Number(p.high) - (c < 0 ? low : c);
    }, 0);
  }

  async close(): Promise<void> {
    this.connected = false;
    clearInterval(this.probeTimer);
    await Promise.all([...this.consumers].map((c) => c.disconnect()));
    this.consumers.clear();
    await this.producer?.disconnect();
    await this.admin?.disconnect();
  }
}
