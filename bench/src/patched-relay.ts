/**
 * FOR MEASUREMENT ONLY: a copy of packages/kit/src/outbox-relay.ts (OutboxRelay) with the changes
 * docs/performance.md proposes, so the outbox bench can show their effect side by side. Services
 * keep using the kit's relay; delete this file once the kit has the fixes.
 *
 * Change 1 (always): a NOTIFY that arrives while the relay is draining (when `wake` is unset) is
 * remembered in `notified`, and the loop drains again instead of sleeping until the next NOTIFY
 * or the poll interval (1 s).
 * Change 2 (`fewerRoundTrips`): 3 round trips per batch instead of 5 - `BEGIN; SELECT
 * set_config(...)` as one simple query, the claim and the delete as one `DELETE … WHERE id IN
 * (SELECT … FOR UPDATE SKIP LOCKED) RETURNING *` (rows sorted by id in JS: RETURNING has no
 * order), publish, `COMMIT` (a failed publish rolls back, restoring the rows, as now).
 * Change 3 (`pipelined`): the next batch is claimed (and its envelopes built) on the pool's second
 * connection while the current batch's publish awaits Kafka's ack; it is published only after
 * the current batch is acknowledged and committed, so publish order is unchanged, and if the
 * current publish fails both batches roll back.
 */
import { Client, Pool, type PoolClient } from 'pg';
import type { Logger } from 'pino';
import { toTransportMessage, type Metrics, type OutboxEvent, type OutboxRelayOptions, type Transport, type TransportMessage } from '@commonhold/kit';

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

interface Claimed {
  client: PoolClient;
  rows: OutboxRow[];
  messages: TransportMessage[];
}

interface InFlight extends Claimed {
  publish: Promise<void>;
}

export interface PatchedRelayOptions extends OutboxRelayOptions {
  transport: Transport;
  log: Logger;
  metrics?: Metrics;
  fewerRoundTrips?: boolean;
  pipelined?: boolean;
}

export class PatchedOutboxRelay {
  private readonly pool: Pool;
  private listener?: Client;
  private running = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private leader = false;
  /** Set by every NOTIFY; cleared just before each claim. */
  private notified = false;

  constructor(private readonly opts: PatchedRelayOptions) {
    this.pool = new Pool({ connectionString: opts.databaseUrl, max: 2, application_name: `${opts.name}-outbox-relay` });
    this.pool.on('error', (err) => opts.log.warn({ err }, 'outbox relay idle connection lost'));
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

  async flush(): Promise<number> {
    let total = 0;
    let inflight: InFlight | undefined;
    for (;;) {
      const r = this.opts.pipelined ? await this.step(inflight) : { inflight: undefined, claimed: await this.drainBatch() };
      inflight = r.inflight;
      total += r.claimed;
      if (!inflight && r.claimed === 0) return total;
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
    let inflight: InFlight | undefined;
    while (this.running) {
      try {
        if (!this.leader) {
          const r = await this.listener!.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS ok`, [`outbox-relay:${this.opts.name}`]);
          this.leader = r.rows[0].ok === true;
        }
        if (this.leader) {
          this.notified = false; // any NOTIFY from here on may be for a row this claim misses
          if (this.opts.pipelined) {
            const r = await this.step(inflight);
            inflight = r.inflight;
            if (inflight) continue; // claim the next batch while this one is in flight
          } else {
            const n = await this.drainBatch();
            if (n >= (this.opts.batchSize ?? 500)) continue;
          }
          if (this.notified) continue; // committed while we were draining: do not sleep on it
        }
      } catch (err) {
        inflight = undefined; // step() settled (rolled back) whatever it held before throwing
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
    if (inflight) await this.settle(inflight).catch((err) => this.opts.log.error({ err }, 'outbox publish on shutdown failed'));
  }

  /** Pipelined: claim the next batch while `inflight` is being published, settle `inflight`, publish the next. */
  private async step(inflight?: InFlight): Promise<{ inflight?: InFlight; claimed: number }> {
    let next: Claimed | undefined;
    try {
      next = await this.claim();
    } catch (err) {
      if (inflight) await this.settle(inflight).catch(() => undefined);
      throw err;
    }
    if (inflight) {
      try {
        await this.settle(inflight);
      } catch (err) {
        if (next) await this.abort(next); // never publish past a batch that failed
        throw err;
      }
    }
    if (!next) return { claimed: 0 };
    const publish = this.opts.transport.publish(next.messages);
    publish.catch(() => undefined); // awaited in settle(); avoid an unhandled rejection meanwhile
    return { inflight: { ...next, publish }, claimed: next.rows.length };
  }

  /** Waits for the publish; on success deletes (unless already deleted) and commits, else rolls back. */
  private async settle(c: InFlight): Promise<void> {
    try {
      await c.publish;
    } catch (err) {
      await this.abort(c);
      throw err;
    }
    try {
      if (!this.opts.fewerRoundTrips) await c.client.query(`DELETE FROM outbox WHERE id = ANY($1::bigint[])`, [c.rows.map((r) => r.id)]);
      await c.client.query('COMMIT');
      for (const r of c.rows) this.opts.metrics?.eventsPublished.inc({ topic: r.topic });
    } catch (err) {
      await c.client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.client.release();
    }
  }

  private async abort(c: Claimed): Promise<void> {
    await c.client.query('ROLLBACK').catch(() => undefined);
    c.client.release();
  }

  /** Opens a transaction holding the next batch (locked, or already deleted); none when empty. */
  private async claim(): Promise<Claimed | undefined> {
    const client = await this.pool.connect();
    try {
      let rows: OutboxRow[];
      if (this.opts.fewerRoundTrips) {
        await client.query(`BEGIN; SELECT set_config('app.outbox_relay', 'on', true)`);
        ({ rows } = await client.query<OutboxRow>(
          `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING *`,
          [this.opts.batchSize ?? 500],
        ));
        rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      } else {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('app.outbox_relay', 'on', true)`);
        ({ rows } = await client.query<OutboxRow>(`SELECT * FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`, [this.opts.batchSize ?? 500]));
      }
      if (!rows.length) {
        await client.query('COMMIT');
        client.release();
        this.opts.metrics?.outboxLag.set(0);
        return undefined;
      }
      this.opts.metrics?.outboxLag.set((Date.now() - rows[0]!.created_at.getTime()) / 1000);
      return { client, rows, messages: rows.map((r) => toTransportMessage(toEvent(r))) };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      throw err;
    }
  }

  /** Not pipelined: claim, publish, delete, commit, one batch at a time (as the kit's relay). */
  private async drainBatch(): Promise<number> {
    const claimed = await this.claim();
    if (!claimed) return 0;
    const publish = this.opts.transport.publish(claimed.messages);
    await this.settle({ ...claimed, publish });
    return claimed.rows.length;
  }
}

function toEvent(r: OutboxRow): OutboxEvent {
  return {
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
  };
}
