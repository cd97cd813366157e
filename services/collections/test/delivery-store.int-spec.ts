// The notifications package's DeliveryStore contract against collections' PostgreSQL table
// (claim, takeover, compare-and-set, tenant separation, lookup by provider id), under RLS as the app role.
import { withTenant } from '@commonhold/kit';
import { describeDeliveryStoreContract } from '@commonhold/notifications/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { PgDeliveryStore } from '@commonhold/notifications/pg';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['collections'], serviceEnv: { collections: { DUNNING_SCHEDULE_CRON: '' } } });
}, 120_000);
afterAll(async () => platform?.stop());

describeDeliveryStoreContract('PgDeliveryStore', async () => {
  const ds = platform.services.collections!.runtime.ds;
  for (const t of ['tenant-a', 'tenant-b', 'tenant-c']) await withTenant(ds, t, (m) => m.query(`DELETE FROM notification_deliveries WHERE tenant_id = $1`, [t]));
  return new PgDeliveryStore(ds);
});
