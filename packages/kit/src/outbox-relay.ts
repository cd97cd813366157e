import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { toTransportMessage, type OutboxEvent } from './envelope';
import type { Metrics } from './metrics';
import type { Transport } from './transport/transport';

export interface OutboxRelayOptions {
  databaseUrl: string;
  transport: Transport;
  log: Logger;
  metrics?: Metrics;
  batchSize?: number;
  /** Safety-net poll when no NOTIFY arrives (e.g. a notification lost across a reconnect). */
  pollIntervalMs?: number;
  /** Distinguishes relays of different services sharing one cluster (advisory lock key). */
  name: string;
  /** How often `outbox_lag_seconds` is sampled from the oldest unpublished row (default 1 s). */
  lagSampleMs?: number;
  /** Longest pause between reconnect attempts after the session connection is lost (default 5 s). */
  maxReconnectDelayMs?: number;
  /**
   * After publishing (deleting) this many rows, the relay compacts the outbox the next time it finds
   * it empty (`kit_outbox_compact()`: TRUNCATE under a NOWAIT lock), so the claim does not walk a
   * burst's dead tuples until vacuum comes round (default 5000; 0 turns it off).
   */
  compactAfterRows?: number;
}

interface OutboxRow {
  id: string;
  tenant_id: string;
  event_id: string;
  topic: string;
  partition_key: string;
  type: string;
  source: string;
  subject: string;
  data: unknown;
  traceparent: string | null;
  created_at: Date;
}

/** Thrown by a batch whose session connection was replaced or lost: the caller is no longer leader. */
class LeadershipLost extends Error {
  override name = 'LeadershipLost';
}

/**
 * Publishes committed outbox rows in id order (ADR 0006, superseding the leadership part of 0001).
 *
 * Everything a relay does runs on ONE session connection (`<name>-outbox-relay`): LISTEN, the
 * session advisory lock that makes it the leader, and every batch transaction (claim, publish,
 * delete, COMMIT). The lock and the claim therefore live and die together: if the connection is
 * lost, PostgreSQL rolls the open batch back and releases the lock in the same instant, and this
 * relay can publish again only after a new connection won the lock again. A relay that lost
 * leadership cannot claim (or delete) another row. The one unavoidable overlap is a publish
 * already on the wire when the connection died: Kafka may accept it while the next leader
 * republishes the same rows first-to-last — a duplicate consumers drop by event id, never a
 * reordering of first deliveries per key.
 *
 * Lost connections never crash the process: every client has an `'error'` listener, the relay
 * reconnects with backoff, re-LISTENs and re-takes the lock (or stands by).
 */
export class OutboxRelay {
  private session?: Client;
  private running = false;
  private wake?: () => void;
  /** Set by every NOTIFY, cleared before each claim: a commit during a batch is never missed. */
  private notified = false;
  private loop?: Promise<void>;
  private leader = false;
  /** Batches (loop, flush) take turns on the one session connection. */
  private turn: Promise<unknown> = Promise.resolve();
  private lagTimer?: NodeJS.Timeout;
  private lagClient?: Client;
  private sampling = false;
  /** Rows deleted since the outbox was last compacted (or since start). */
  private deletedSinceCompact = 0;
  /** Sessions opened so far (the first one included); a test reads it to see a reconnect. */
  sessions = 0;

  constructor(private readonly opts: OutboxRelayOptions) {}

  isLeader(): boolean {
    return this.leader;
  }

  /** The backend pid of the current session connection (tests terminate it). */
  async sessionPid(): Promise<number | undefined> {
    const s = this.session;
    if (!s) return undefined;
    return (s as unknown as { processID?: number }).processID;
  }

  async start(): Promise<void> {
    this.running = true;
    await this.ensureSession(); // the first connection must work: a misconfigured URL fails start
    this.loop = this.run();
    const every = this.opts.lagSampleMs ?? 1000;
    if (this.opts.metrics) {
      this.lagTimer = setInterval(() => void this.sampleLag(), every);
      this.lagTimer.unref();
    }
  }

  /** Publishes whatever is pending right now (used on shutdown and by tests/benchmarks). */
  async flush(): Promise<number> {
    let total = 0;
    for (;;) {
      await this.ensureSession();
      if (!this.leader) this.leader = await this.tryLock();
      if (!this.leader) return total; // another replica is the publisher
      const n = await this.exclusive(() => this.drainBatch());
      total += n;
      if (n === 0) return total;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.lagTimer);
    this.wake?.();
    await this.loop;
    if (this.leader) await this.flush().catch((err) => this.opts.log.error({ err }, 'outbox flush on shutdown failed'));
    const s = this.session;
    this.session = undefined;
    this.leader = false;
    await s?.end().catch(() => undefined);
    await this.lagClient?.end().catch(() => undefined);
    this.lagClient = undefined;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.turn.then(fn, fn);
    this.turn = next.catch(() => undefined);
    return next;
  }

  /** Opens the session connection when there is none: LISTEN, and no leadership until the lock is won. */
  private async ensureSession(): Promise<Client> {
    if (this.session) return this.session;
    const client = await this.newSession();
    this.session = client;
    this.leader = false;
    this.sessions++;
    if (this.sessions > 1) this.opts.log.info({ relay: this.opts.name }, 'outbox relay reconnected');
    // A commit may have happened while we were disconnected (its NOTIFY went nowhere).
    this.notified = true;
    return client;
  }

  private async newSession(): Promise<Client> {
    const client = new Client({ connectionString: this.opts.databaseUrl, application_name: `${this.opts.name}-outbox-relay`, connectionTimeoutMillis: 5000 });
    const lost = (err?: Error) => {
      if (err) this.opts.log.warn({ err, relay: this.opts.name }, 'outbox relay connection lost; reconnecting');
      if (this.session !== client) return;
      this.session = undefined;
      this.leader = false; // the session lock died with the connection
      this.wake?.();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', () => {
      this.notified = true;
      this.wake?.();
    });
    try {
      await client.connect();
      await client.query('LISTEN outbox');
    } catch (err) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw err;
    }
    return client;
  }

  private async tryLock(): Promise<boolean> {
    const s = await this.ensureSession();
    const r = await this.exclusive(() => s.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [`outbox-relay:${this.opts.name}`]));
    // Only meaningful if the session that took the lock is still ours.
    return r.rows[0].ok === true && this.session === s;
  }

  private async run(): Promise<void> {
    const poll = this.opts.pollIntervalMs ?? 1000;
    let failures = 0;
    while (this.running) {
      try {
        await this.ensureSession();
        if (!this.leader) {
          this.leader = await this.tryLock();
          // A new leader may inherit a burst another relay (or this one before a restart) drained.
          if (this.leader) await this.exclusive(() => this.inheritDeadSpace());
        }
        if (this.leader) {
          this.notified = false;
          const n = await this.exclusive(() => this.drainBatch());
          failures = 0;
          // A full batch may have left more behind; a NOTIFY during the batch means a commit our
          // claim may not have seen. Either way go again instead of sleeping until the next poll.
          if (n >= (this.opts.batchSize ?? 500) || this.notified) continue;
          // Drained: if a burst went through, start the next one on a clean table.
          const compactAfter = this.opts.compactAfterRows ?? 5000;
          if (compactAfter > 0 && this.deletedSinceCompact >= compactAfter) await this.exclusive(() => this.compact());
        } else failures = 0;
      } catch (err) {
        failures++;
        if (!(err instanceof LeadershipLost)) this.opts.log.error({ err, relay: this.opts.name }, 'outbox relay batch failed; will retry');
      }
      if (!this.running) break;
      // No session: back off (100 ms, doubling, capped) before reconnecting. Otherwise wait for NOTIFY.
      const delay = !this.session
        ? Math.min(this.opts.maxReconnectDelayMs ?? 5000, 100 * 2 ** Math.min(failures, 6))
        : failures
          ? Math.min(poll, 100 * 2 ** Math.min(failures, 6))
          : this.leader
            ? poll
            : poll * 5;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /**
   * `outbox_lag_seconds` from the oldest unpublished row's age (not the last batch's), on its own
   * small connection so a publish stuck in a broker outage cannot freeze it. A failed sample sets
   * the gauge to NaN and `outbox_lag_stale` to 1: stale, never a reassuring zero.
   */
  private async sampleLag(): Promise<void> {
    const metrics = this.opts.metrics;
    if (!metrics || this.sampling || !this.running) return;
    this.sampling = true;
    try {
      if (!this.lagClient) {
        const c = new Client({ connectionString: this.opts.databaseUrl, application_name: `${this.opts.name}-outbox-lag`, connectionTimeoutMillis: 5000, statement_timeout: 5000 });
        c.on('error', (err) => {
          this.opts.log.warn({ err, relay: this.opts.name }, 'outbox lag connection lost');
          if (this.lagClient === c) this.lagClient = undefined;
        });
        c.on('end', () => {
          if (this.lagClient === c) this.lagClient = undefined;
        });
        this.lagClient = c;
        try {
          await c.connect();
        } catch (err) {
          this.lagClient = undefined;
          throw err;
        }
      }
      const c = this.lagClient;
      const r = await c.query<{ age: number | null }>(
        `BEGIN; SELECT set_config('app.outbox_relay', 'on', true);
         SELECT extract(epoch FROM clock_timestamp() - created_at)::float8 AS age FROM outbox ORDER BY id LIMIT 1; COMMIT`,
      );
      const rows = (Array.isArray(r) ? r[2]?.rows : r.rows) as { age: number | null }[] | undefined;
      metrics.outboxLag.set(Math.max(0, rows?.[0]?.age ?? 0));
      metrics.outboxLagStale.set(0);
    } catch (err) {
      metrics.outboxLag.set(Number.NaN);
      metrics.outboxLagStale.set(1);
      this.opts.log.warn({ err, relay: this.opts.name }, 'outbox lag sample failed');
      const c = this.lagClient;
      this.lagClient = undefined;
      await c?.end().catch(() => undefined);
    } finally {
      this.sampling = false;
    }
  }

  /**
   * One batch in three round trips on the session that holds the leadership lock: BEGIN + relay
   * flag; claim-and-delete the oldest rows; publish, then COMMIT. A failed publish rolls back, so
   * the rows come back for the next attempt; a crash after Kafka's ack republishes them (consumers
   * dedupe).
   */
  private async drainBatch(): Promise<number> {
    const client = this.session;
    if (!client || !this.leader) throw new LeadershipLost('no session or not the leader');
    try {
      await client.query(`BEGIN; SELECT set_config('app.outbox_relay', 'on', true)`);
      const { rows } = await client.query<OutboxRow>(
        `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING *`,
        [this.opts.batchSize ?? 500],
      );
      if (!rows.length) {
        await client.query('COMMIT');
        return 0;
      }
      rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)); // RETURNING does not keep the claim's order
      const events: OutboxEvent[] = rows.map((r) => ({
        eventId: r.event_id,
        tenantId: r.tenant_id,
        topic: r.topic,
        key: r.partition_key,
        type: r.type,
        source: r.source,
        subject: r.subject,
        data: r.data,
        time: r.created_at.toISOString(),
        traceparent: r.traceparent,
      }));
      // Fence: the claim above ran in the lock-holding session; if that session is gone now, its
      // transaction (and the lock) are gone too and another relay may own these rows: do not publish.
      if (this.session !== client) throw new LeadershipLost('session lost before publish');
      const spans = publishSpans(events);
      try {
        await this.opts.transport.publish(events.map(toTransportMessage));
      } catch (err) {
        for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        for (const span of spans) span.end();
      }
      await client.query('COMMIT');
      for (const e of events) this.opts.metrics?.eventsPublished.inc({ topic: e.topic });
      this.deletedSinceCompact += rows.length;
      return rows.length;
    } catch (err) {
      if (this.session === client) await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /**
   * An outbox file far larger than its usual few pages holds a drained burst's dead tuples: count
   * it as such so the next caught-up drain compacts it.
   */
  private async inheritDeadSpace(): Promise<void> {
    const compactAfter = this.opts.compactAfterRows ?? 5000;
    if (compactAfter <= 0 || !this.session) return;
    const { rows } = await this.session.query<{ bytes: string }>(`SELECT pg_relation_size('outbox')::text AS bytes`);
    if (Number(rows[0]?.bytes ?? 0) > DEAD_SPACE_BYTES) this.deletedSinceCompact = Math.max(this.deletedSinceCompact, compactAfter);
  }

  /**
   * Truncates the outbox if it is empty and no writer holds it (see `KitOutboxCompact1790000000400`).
   * True when it did; false when a row or a writer was there (tried again after the next drain).
   */
  async compact(): Promise<boolean> {
    const client = this.session;
    if (!client || !this.leader) return false;
    try {
      const { rows } = await client.query<{ compacted: boolean }>('SELECT kit_outbox_compact() AS compacted');
      const compacted = rows[0]?.compacted === true;
      if (compacted) {
        this.opts.log.debug({ relay: this.opts.name, rows: this.deletedSinceCompact }, 'outbox compacted after a burst');
        this.deletedSinceCompact = 0;
      }
      return compacted;
    } catch (err) {
      this.opts.log.warn({ err, relay: this.opts.name }, 'outbox compaction failed; vacuum will reclaim the rows');
      this.deletedSinceCompact = 0; // do not retry after every drain (e.g. a database without the function)
      return false;
    }
  }
}

/** An outbox heap above this size (64 pages) is mostly a drained burst's dead space. */
const DEAD_SPACE_BYTES = 64 * 8192;

const tracer = trace.getTracer('commonhold-kit');

/**
 * The PRODUCER spans of one publish, in the traces of the requests that wrote the events (their
 * stored traceparent; unrecorded when that trace was not sampled), so a trace shows the hop through
 * the outbox. One span per trace and topic: a transaction that wrote 2,000 events of a topic gets one
 * span carrying `messaging.batch.message_count` (a single event's carries its message id), not 2,000.
 */
export function publishSpans(events: OutboxEvent[]): Span[] {
  const groups = new Map<string, OutboxEvent[]>();
  for (const e of events) {
    if (!e.traceparent) continue;
    const key = `${e.traceparent} ${e.topic}`;
    const g = groups.get(key);
    if (g) g.push(e);
    else groups.set(key, [e]);
  }
  return [...groups.values()].map((g) => {
    const e = g[0]!;
    return tracer.startSpan(
      `publish ${e.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.destination.name': e.topic,
          ...(g.length === 1 ? { 'messaging.message.id': e.eventId } : { 'messaging.batch.message_count': g.length }),
        },
      },
      propagation.extract(ROOT_CONTEXT, { traceparent: e.traceparent! }),
    );
  });
}
