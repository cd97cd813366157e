// Where delivery records live. The package ships the in-memory store (tests, the embedded mode);
// a service keeps records in its own database by implementing the same three methods (README:
// the PostgreSQL recipe, one INSERT … ON CONFLICT for `claim`).
import type { Channel, DeliveryError, DeliveryStatus } from './delivery-status';

export interface DeliveryRecord {
  tenantId: string;
  /** The caller's key, stable across retries, e.g. `<runId>/<apartmentId>/<channel>/<step>`. */
  idempotencyKey: string;
  channel: Channel;
  status: DeliveryStatus;
  /** The address, number or postal name it went to. */
  recipient: string;
  /** sha-256 of channel, recipient and template name: the same key with another message is refused. */
  fingerprint: string;
  /** The template that rendered it (whose, which locale), once rendered. */
  template?: { tenantId: string | null; name: string; locale: string };
  /** `smtp`, `twilio`, `letter-folder`: who holds the message now. */
  provider?: string;
  providerMessageId?: string;
  /** The provider's last word (`undelivered`, `250 OK`), for the timeline. */
  providerStatus?: string;
  /** Tries so far (a deferred delivery sent again counts again). */
  attempts: number;
  lastError?: DeliveryError;
  /** The last status the caller's outcome callback accepted; behind `status` means a report is owed. */
  reportedStatus?: DeliveryStatus;
  /** Opaque references of the caller, handed back with every outcome (e.g. `{ dunningEventId }`). */
  correlation?: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
  /** Bumped by every write; `update` is a compare-and-set on it (a send and a provider report may race). */
  version: number;
}

export interface DeliveryStore {
  /**
   * Atomically: insert `candidate` (status `pending`) when the key is new, or take over the
   * existing record when it is `deferred` or `pending` since before `staleBefore` (a sender that
   * crashed) — status `pending`, attempts + 1, updatedAt now; otherwise return the existing record
   * unclaimed. Keyed by (tenantId, idempotencyKey). A takeover bumps `version`.
   */
  claim(candidate: DeliveryRecord, staleBefore: Date): Promise<{ record: DeliveryRecord; claimed: boolean }>;
  get(tenantId: string, idempotencyKey: string): Promise<DeliveryRecord | undefined>;
  /** Compare-and-set: writes `record` only while the stored version is `record.version - 1`; false when another write came first. */
  update(record: DeliveryRecord): Promise<boolean>;
  /** The record a provider's report is about (provider message ids are unique per provider). */
  findByProviderId(channel: Channel, provider: string, providerMessageId: string): Promise<DeliveryRecord | undefined>;
}

const copy = (r: DeliveryRecord): DeliveryRecord => structuredClone(r);

/** One process's memory: tests and the embedded default. */
export class InMemoryDeliveryStore implements DeliveryStore {
  private readonly byKey = new Map<string, DeliveryRecord>();

  async claim(candidate: DeliveryRecord, staleBefore: Date): Promise<{ record: DeliveryRecord; claimed: boolean }> {
    const k = `${candidate.tenantId}\u0000${candidate.idempotencyKey}`;
    const existing = this.byKey.get(k);
    if (!existing) {
      this.byKey.set(k, copy(candidate));
      return { record: copy(candidate), claimed: true };
    }
    if (existing.status === 'deferred' || (existing.status === 'pending' && existing.updatedAt < staleBefore)) {
      const taken = { ...existing, status: 'pending' as const, attempts: existing.attempts + 1, updatedAt: candidate.updatedAt, version: existing.version + 1 };
      this.byKey.set(k, copy(taken));
      return { record: copy(taken), claimed: true };
    }
    return { record: copy(existing), claimed: false };
  }

  async get(tenantId: string, idempotencyKey: string): Promise<DeliveryRecord | undefined> {
    const r = this.byKey.get(`${tenantId}\u0000${idempotencyKey}`);
    return r && copy(r);
  }

  async update(record: DeliveryRecord): Promise<boolean> {
    const k = `${record.tenantId}\u0000${record.idempotencyKey}`;
    if (this.byKey.get(k)?.version !== record.version - 1) return false;
    this.byKey.set(k, copy(record));
    return true;
  }

  async findByProviderId(channel: Channel, provider: string, providerMessageId: string): Promise<DeliveryRecord | undefined> {
    for (const r of this.byKey.values()) if (r.channel === channel && r.provider === provider && r.providerMessageId === providerMessageId) return copy(r);
    return undefined;
  }

  /** Every record (tests, the embedded mode's diagnostics). */
  all(): DeliveryRecord[] {
    return [...this.byKey.values()].map(copy);
  }
}
