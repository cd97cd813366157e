import { Client, Pool } from 'pg';
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

/**
 * Publishes committed outbox rows in id order. One relay per service holds an advisory lock (the
 * others stand by) so per-key order survives several replicas; it wakes on NOTIFY, claims a batch
 * with FOR UPDATE SKIP LOCKED, publishes it, and deletes it in the same transaction.
 */
export class OutboxRelay {
  private readonly pool: Pool;
  private listener?: Client;
  private running = false;
  private wake?: () => void;
  /** Set by every NOTIFY, cleared before each claim: a commit during a batch is never missed. */
  private notified = false;
  private loop?: Promise<void>;
  private leader = false;

  constructor(private readonly opts: OutboxRelayOptions) {
    this.pool = new Pool({ connectionString: opts.databaseUrl, max: 2, application_name: `${opts.name}-outbox-relay` });
    // An idle client dropped by the server must not crash the process; the next batch reconnects.
    this.pool.on('error', (err) => opts.log.warn({ err }, 'outbox relay idle connection lost'));
  }

  isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    this.running = true;
    this.listener = new Client({ connectionString: this.opts.databaseUrl, application_name: `${this.opts.name}-outbox-listen` });
    await this.listener.connect();
    this.listener.on('notification', () => {
      this.notified = true;
      this.wake?.();
    });
    this.listener.on('error', (err) => this.opts.log.error({ err }, 'outbox listener connection failed'));
    await this.listener.query('LISTEN outbox');
    this.loop = this.run();
  }

  /** Publishes whatever is pending right now (used on shutdown and by tests/benchmarks). */
  async flush(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.drainBatch();
      total += n;
      if (n === 0) return total;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    if (this.leader) await this.flush().catch((err) => this.opts.log.error({ err }, 'outbox flush on shutdown failed'));
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  private async run(): Promise<void> {
    const poll = this.opts.pollIntervalMs ?? 1000;
    while (this.running) {
      try {
        if (!this.leader) {
          const r = await this.listener!.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [`outbox-relay:${this.opts.name}`]);
          this.leader = r.rows[0].ok === true;
        }
        if (this.leader) {
          this.notified = false;
          const n = await this.drainBatch();
          // A full batch may have left more behind; a NOTIFY during the batch means a commit our
          // claim may not have seen. Either way go again instead of sleeping until the next poll.
          if (n >= (this.opts.batchSize ?? 500) || this.notified) continue;
        }
      } catch (err) {
        this.opts.log.error({ err }, 'outbox relay batch failed; will retry');
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.leader ? poll : poll * 5);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /**
   * One batch in three round trips: BEGIN + relay flag; claim-and-delete the oldest rows (skipping
   * rows another transaction holds); publish, then COMMIT. A failed publish rolls back, so the rows
   * come back for the next attempt; a crash after Kafka's ack republishes them (consumers dedupe).
   */
  private async drainBatch(): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query(`BEGIN; SELECT set_config('app.outbox_relay', 'on', true)`);
      const { rows } = await client.query<OutboxRow>(
        `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING *`,
        [this.opts.batchSize ?? 500],
      );
      if (!rows.length) {
        await client.query('COMMIT');
        this.opts.metrics?.outboxLag.set(0);
        return 0;
      }
      rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)); // RETURNING does not keep the claim's order
      this.opts.metrics?.outboxLag.set((Date.now() - rows[0]!.created_at.getTime()) / 1000);
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
      await this.opts.transport.publish(events.map(toTransportMessage));
      await client.query('COMMIT');
      for (const e of events) this.opts.metrics?.eventsPublished.inc({ topic: e.topic });
      return rows.length;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
