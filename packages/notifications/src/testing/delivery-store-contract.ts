// The behaviour every DeliveryStore owes the notifier, as jest tests. The package runs it against
// InMemoryDeliveryStore; a service that keeps deliveries in PostgreSQL runs it against its own
// store: `describeDeliveryStoreContract('PgDeliveryStore', () => makeStore())`.
import type { DeliveryRecord, DeliveryStore } from '../delivery-store';

export function buildDeliveryRecord(overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  const at = new Date('2026-03-01T10:00:00.000Z');
  return {
    tenantId: 'tenant-a',
    idempotencyKey: 'run-1/apt-1/email/1',
    channel: 'email',
    status: 'pending',
    recipient: 'owner@example.org',
    fingerprint: 'f'.repeat(64),
    provider: 'smtp',
    attempts: 1,
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...overrides,
  };
}

export function describeDeliveryStoreContract(name: string, makeStore: () => Promise<DeliveryStore> | DeliveryStore): void {
  describe(`${name} (DeliveryStore contract)`, () => {
    let sut: DeliveryStore;
    const t0 = new Date('2026-03-01T10:00:00.000Z');
    const later = (ms: number) => new Date(t0.getTime() + ms);
    beforeEach(async () => {
      sut = await makeStore();
    });

    it('claims a new key and stores the candidate as given', async () => {
      const candidate = buildDeliveryRecord({ correlation: { dunningEventId: 'ev-1' } });
      expect(await sut.claim(candidate, t0)).toEqual({ record: candidate, claimed: true });
      expect(await sut.get('tenant-a', candidate.idempotencyKey)).toEqual(candidate);
    });

    it.each(['pending', 'sent', 'delivered', 'bounced', 'failed'] as const)('does not claim a key whose record is %s (and fresh)', async (status) => {
      await sut.claim(buildDeliveryRecord(), t0);
      await sut.update(buildDeliveryRecord({ status, version: 2 }));
      const again = await sut.claim(buildDeliveryRecord({ updatedAt: later(1000) }), t0);
      expect(again).toEqual({ record: buildDeliveryRecord({ status, version: 2 }), claimed: false });
    });

    it('takes over a deferred record: pending, attempts + 1, version + 1, updatedAt from the candidate', async () => {
      await sut.claim(buildDeliveryRecord(), t0);
      await sut.update(buildDeliveryRecord({ status: 'deferred', version: 2, lastError: { kind: 'transient', code: 'smtp_451', message: 'greylisted' } }));
      const { record, claimed } = await sut.claim(buildDeliveryRecord({ updatedAt: later(60_000) }), t0);
      expect(claimed).toBe(true);
      expect(record).toMatchObject({ status: 'pending', attempts: 2, version: 3, updatedAt: later(60_000), lastError: { code: 'smtp_451' } });
    });

    it('takes over a pending record only once it is older than staleBefore', async () => {
      await sut.claim(buildDeliveryRecord(), t0);
      expect((await sut.claim(buildDeliveryRecord({ updatedAt: later(5000) }), t0)).claimed).toBe(false);
      const taken = await sut.claim(buildDeliveryRecord({ updatedAt: later(700_000) }), later(1));
      expect(taken).toMatchObject({ claimed: true, record: { status: 'pending', attempts: 2, version: 2 } });
    });

    it('lets exactly one of many concurrent claims win', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => sut.claim(buildDeliveryRecord(), t0)));
      expect(results.filter((r) => r.claimed)).toHaveLength(1);
    });

    it('updates only from the version it read (compare-and-set)', async () => {
      await sut.claim(buildDeliveryRecord(), t0);
      expect(await sut.update(buildDeliveryRecord({ status: 'sent', providerMessageId: '<a@x>', version: 2 }))).toBe(true);
      expect(await sut.update(buildDeliveryRecord({ status: 'failed', version: 2 }))).toBe(false); // a writer that read version 1 too
      expect(await sut.update(buildDeliveryRecord({ status: 'delivered', version: 5 }))).toBe(false);
      expect(await sut.get('tenant-a', 'run-1/apt-1/email/1')).toMatchObject({ status: 'sent', version: 2 });
    });

    it('keeps tenants apart: the same key is two records, get never crosses tenants', async () => {
      await sut.claim(buildDeliveryRecord(), t0);
      expect((await sut.claim(buildDeliveryRecord({ tenantId: 'tenant-b' }), t0)).claimed).toBe(true);
      await sut.update(buildDeliveryRecord({ tenantId: 'tenant-b', status: 'sent', version: 2 }));
      expect((await sut.get('tenant-a', 'run-1/apt-1/email/1'))?.status).toBe('pending');
      expect(await sut.get('tenant-c', 'run-1/apt-1/email/1')).toBeUndefined();
    });

    it('finds a record by channel, provider and provider message id', async () => {
      await sut.claim(buildDeliveryRecord({ channel: 'sms', provider: 'twilio', recipient: '+306900000001' }), t0);
      await sut.update(buildDeliveryRecord({ channel: 'sms', provider: 'twilio', recipient: '+306900000001', status: 'sent', providerMessageId: 'SM1', version: 2 }));
      expect(await sut.findByProviderId('sms', 'twilio', 'SM1')).toMatchObject({ idempotencyKey: 'run-1/apt-1/email/1', status: 'sent' });
      expect(await sut.findByProviderId('email', 'twilio', 'SM1')).toBeUndefined();
      expect(await sut.findByProviderId('sms', 'twilio', 'SM2')).toBeUndefined();
    });

    it('hands out copies: changing a returned record changes nothing stored', async () => {
      const { record } = await sut.claim(buildDeliveryRecord(), t0);
      record.status = 'failed';
      expect((await sut.get('tenant-a', record.idempotencyKey))?.status).toBe('pending');
    });
  });
}
