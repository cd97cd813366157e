/**
 * FOR MEASUREMENT ONLY: a copy of packages/kit/src/outbox-relay.ts (OutboxRelay) with the one
 * change docs/performance.md proposes, so the outbox bench can show its effect side by side.
 * Production code keeps using the kit's relay; delete this file once the kit has the fix.
 *
 * Change 1 (always): a NOTIFY that arrives while the relay is draining (when `wake` is unset) is
 * remembered in `notified`, and the loop drains again instead of sleeping until the next NOTIFY
 * or the poll interval (1 s).
 * Change 2 (`fewerRoundTrips`): one cycle is 3 round trips instead of 5 -
 * `BEGIN; SELECT set_config(...)` as one simple query, then the claim and the delete as one
 * `DELETE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING *` (rows sorted by id in JS,
 * RETURNING has no order), publish, `COMMIT` (ROLLBACK on failure restores the rows, as now).
 * Everything else is identical to the kit's relay.
 */
import { Client, Pool } from 'pg';
import type { Logger } from 'pino';
import { toTransportMessage, type Metrics, type OutboxEvent, type OutboxRelayOptions, type Transport } from '@commonhold/kit';

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

export class PatchedOutboxRelay {
  private readonly pool: Pool;
  private listener?: Client;
  private running = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private leader = false;
  /** Set by every NOTIFY; cleared just before each claim. */
  private notified = false;

  constructor(private readonly opts: OutboxRelayOptions & { transport: Transport; log: Logger; metrics?: Metrics; fewerRoundTrips?: boolean }) {
    this.pool = new Pool({ connectionString: opts.databaseUrl, max: 2, application_name: `${opts.name}-outbox-relay` });
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
          this.notified = false; // any NOTIFY from here on may be for a row this claim misses
          const n = await this.drainBatch();
          if (n >= (this.opts.batchSize ?? 500)) continue;
          if (this.notified) continue; // committed while we were draining: do not sleep on it
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

  private async drainBatch(): Promise<number> {
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
        this.opts.metrics?.outboxLag.set(0);
        return 0;
      }
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
      if (!this.opts.fewerRoundTrips) await client.query(`DELETE FROM outbox WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
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
