import { z } from 'zod';
import { baseConfigSchema } from '@commonhold/kit';
import { notificationsConfigShape } from '@commonhold/notifications';

const bool = (dflt: boolean) =>
  z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? dflt : v === 'true'));

/** grants's environment: the kit's keys, the notification channels (deliverable reminders) and its own (parsed once, typed). */
export const grantsConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4070),
  ...notificationsConfigShape,
  /** false: this process works no grants jobs (another replica does). */
  GRANTS_WORKER: bool(true),
  /** When the tick looks for due reminders and renewal nudges (cron, UTC); empty turns it off. */
  GRANTS_TICK_CRON: z.string().default('0 * * * *'),
  /** How many days before a grant's end date its renewal draft is created. */
  GRANTS_RENEWAL_LEAD_DAYS: z.coerce.number().int().min(1).max(730).default(90),
  /** Tries of one reminder's delivery before it is dead-lettered (the first included). */
  GRANTS_REMINDER_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** First retry delay of a deferred reminder; pg-boss doubles it each time. */
  GRANTS_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** How often the worker polls its queues. */
  GRANTS_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
});
export type GrantsConfig = z.infer<typeof grantsConfigSchema>;
