import type { DataSource } from 'typeorm';
import { tenantRlsSql, withTenant } from '@commonhold/kit';
import type { Channel, DeliveryRecord, DeliveryStore } from '../index';

/**
 * The `notification_deliveries` table a service adds to its own migrations to keep delivery records
 * in its own database: one row per tenant and idempotency key, RLS by tenant. A provider's report
 * without our reference is found by its message id (`app.delivery_lookup`, set by the store only).
 */
export const deliveryTableSql = (): string[] => [
  `CREATE TABLE notification_deliveries (
      tenant_id text NOT NULL,
      idempotency_key text NOT NULL,
      channel text NOT NULL,
      status text NOT NULL,
      provider text,
      provider_message_id text,
      version int NOT NULL,
      updated_at timestamptz NOT NULL,
      record jsonb NOT NULL,
      PRIMARY KEY (tenant_id, idempotency_key)
    )`,
  'CREATE INDEX notification_deliveries_provider ON notification_deliveries (channel, provider, provider_message_id)',
  ...tenantRlsSql('notification_deliveries', `current_setting('app.delivery_lookup', true) = 'on'`),
];

/**
 * The notifications package's delivery records in a service's own database (the table above). Each call is its own tenant transaction: a claim must be visible
 * to a racing sender before the message leaves.
 */
export class PgDeliveryStore implements DeliveryStore {
  constructor(private readonly ds: DataSource) {}

  async claim(candidate: DeliveryRecord, staleBefore: Date): Promise<{ record: DeliveryRecord; claimed: boolean }> {
    return withTenant(this.ds, candidate.tenantId, async (m) => {
      const rows = await m.query(
        `INSERT INTO notification_deliveries (tenant_id, idempotency_key, channel, status, provider, provider_message_id, version, updated_at, record)
         VALUES ($1, $2, $3, 'pending', $4, NULL, $5, $6, $7::jsonb)
         ON CONFLICT (tenant_id, idempotency_key) DO UPDATE SET status = 'pending', version = notification_deliveries.version + 1, updated_at = $6,
           record = notification_deliveries.record || jsonb_build_object('status', 'pending', 'attempts', (notification_deliveries.record->>'attempts')::int + 1,
             'version', notification_deliveries.version + 1, 'updatedAt', to_jsonb($6::timestamptz))
         WHERE notification_deliveries.status = 'deferred' OR (notification_deliveries.status = 'pending' AND notification_deliveries.updated_at < $8)
         RETURNING record`,
        [
          candidate.tenantId,
          candidate.idempotencyKey,
          candidate.channel,
          candidate.provider ?? null,
          candidate.version,
          candidate.updatedAt,
          JSON.stringify(candidate),
          staleBefore,
        ],
      );
      if (rows.length) return { record: revive(rows[0].record), claimed: true };
      const [existing] = await m.query(`SELECT record FROM notification_deliveries WHERE tenant_id = $1 AND idempotency_key = $2`, [candidate.tenantId, candidate.idempotencyKey]);
      return { record: revive(existing.record), claimed: false };
    });
  }

  async get(tenantId: string, idempotencyKey: string): Promise<DeliveryRecord | undefined> {
    return withTenant(this.ds, tenantId, async (m) => {
      const [row] = await m.query(`SELECT record FROM notification_deliveries WHERE tenant_id = $1 AND idempotency_key = $2`, [tenantId, idempotencyKey]);
      return row ? revive(row.record) : undefined;
    });
  }

  async update(record: DeliveryRecord): Promise<boolean> {
    return withTenant(this.ds, record.tenantId, async (m) => {
      const rows = await m.query(
        `WITH u AS (UPDATE notification_deliveries SET status = $3, provider = $4, provider_message_id = $5, version = $6, updated_at = $7, record = $8::jsonb
         WHERE tenant_id = $1 AND idempotency_key = $2 AND version = $6 - 1 RETURNING 1) SELECT count(*)::int AS n FROM u`,
        [
          record.tenantId,
          record.idempotencyKey,
          record.status,
          record.provider ?? null,
          record.providerMessageId ?? null,
          record.version,
          record.updatedAt,
          JSON.stringify(record),
        ],
      );
      // A CTE: TypeORM answers a bare UPDATE with [rows, count], never an empty list.
      return rows[0].n === 1;
    });
  }

  /** Provider message ids are unique per provider: the one lookup that reads across tenants (an SMS callback without our reference, a DSN). */
  async findByProviderId(channel: Channel, provider: string, providerMessageId: string): Promise<DeliveryRecord | undefined> {
    return this.ds.transaction(async (m) => {
      await m.query(`SELECT set_config('app.delivery_lookup', 'on', true)`);
      const [row] = await m.query(`SELECT record FROM notification_deliveries WHERE channel = $1 AND provider = $2 AND provider_message_id = $3`, [
        channel,
        provider,
        providerMessageId,
      ]);
      return row ? revive(row.record) : undefined;
    });
  }
}

function revive(raw: Record<string, unknown>): DeliveryRecord {
  return {
    ...(raw as unknown as DeliveryRecord),
    createdAt: new Date(raw.createdAt as string),
    updatedAt: new Date(raw.updatedAt as string),
  };
}
