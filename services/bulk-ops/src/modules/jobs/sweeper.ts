import PgBoss from 'pg-boss';
import { randomBytes } from 'node:crypto';
import { requestScope, type ServiceRuntime } from '@commonhold/kit';
import type { BulkOpsConfig } from '../../config';
import { bulkMetrics } from './job.metrics';
import { BULK_QUEUES } from './sweeper.migration';
import { sweepAllTenants } from './sweep-stuck';

const sweepers = new WeakMap<ServiceRuntime, Promise<BulkSweeper>>();

/** The service's sweeper (started with the service). */
export function bulkSweeperOf(rt: ServiceRuntime): Promise<BulkSweeper> {
  const s = sweepers.get(rt);
  if (!s) throw new Error('The bulk-ops sweeper is not running');
  return s;
}

export function startBulkSweeper(rt: ServiceRuntime): Promise<BulkSweeper> {
  const started = create(rt);
  sweepers.set(rt, started);
  return started;
}

export interface BulkSweeper {
  boss: PgBoss;
  /** One sweep now (what the scheduled job does); returns the items swept. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The sweeper of stuck items: a pg-boss schedule (`BULK_SWEEP_CRON`, UTC) queues a sweep job; the
 * worker gives up on items in flight longer than `BULK_ITEM_TIMEOUT_SECONDS` (a command dead-lettered
 * by collections, a result lost) — they become failed and retryable. The queue's singleton policy
 * keeps one sweep at a time across replicas.
 */
async function create(rt: ServiceRuntime): Promise<BulkSweeper> {
  const cfg = rt.config as unknown as BulkOpsConfig;
  const boss = new PgBoss({ connectionString: cfg.DATABASE_URL, schema: 'pgboss', migrate: false, max: 2, application_name: 'bulk-ops-sweeper' } as PgBoss.ConstructorOptions);
  boss.on('error', (err) => rt.log.error({ err }, 'pg-boss error'));
  const metrics = bulkMetrics(rt.metrics.registry);
  const sweep = () =>
    requestScope.run({ traceId: randomBytes(16).toString('hex') }, async () => {
      const n = await sweepAllTenants(rt.ds, cfg.BULK_ITEM_TIMEOUT_SECONDS, metrics);
      if (n) rt.log.warn({ items: n, timeoutSeconds: cfg.BULK_ITEM_TIMEOUT_SECONDS }, 'bulk job items stuck in flight marked failed (retryable)');
      return n;
    });
  await boss.start();
  if (cfg.BULK_SWEEP_CRON) {
    await boss.work(BULK_QUEUES.sweep, { batchSize: 1, pollingIntervalSeconds: 5 }, async () => void (await sweep()));
    await boss.schedule(BULK_QUEUES.sweep, cfg.BULK_SWEEP_CRON, {}, { tz: 'UTC' });
  }
  return {
    boss,
    sweep,
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
