import { z } from 'zod';
import { baseConfigSchema } from '@commonhold/kit';
import { notificationsConfigShape } from '@commonhold/notifications';

const bool = (dflt: boolean) =>
  z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? dflt : v === 'true'));

/** collections's environment: the kit's keys, the notification channels (reminders) and dunning's own (parsed once, typed). */
export const collectionsConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4020),
  ...notificationsConfigShape,
  /** false: this process queues runs but works no dunning jobs (another replica does). */
  DUNNING_WORKER: bool(true),
  /** When the scheduler looks for tenants whose daily run is due (cron, UTC); empty turns the schedule off. */
  DUNNING_SCHEDULE_CRON: z.string().default('*/15 * * * *'),
  /** Tries of one reminder's delivery before it is dead-lettered (the first included). */
  DUNNING_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** First retry delay of a deferred delivery; pg-boss doubles it each time (exponential backoff). */
  DUNNING_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** How often the worker polls its queues. */
  DUNNING_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  /** Shared secret of the signed bounce (DSN) route `POST /notifications/email/dsn`; unset: the route answers 404. */
  EMAIL_DSN_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** How often the KPI pass exports collection rate, time to collect and reconciliation mismatches (ms; 0: never). */
  COLLECTIONS_KPI_INTERVAL_MS: z.coerce.number().int().min(0).default(300_000),
});
export type CollectionsConfig = z.infer<typeof collectionsConfigSchema>;
