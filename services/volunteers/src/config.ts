import { z } from 'zod';
import { baseConfigSchema } from '@commonhold/kit';
import { notificationsConfigShape } from '@commonhold/notifications';

/** volunteers' environment: the kit's keys, identity (public links), reminders (parsed once, typed). */
export const volunteersConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4060),
  /** identity's base URL: its JWKS verifies signed sign-up links and `/public-links/redeem` spends them. Unset: public sign-up is off. */
  IDENTITY_URL: z.url().optional(),
  ...notificationsConfigShape,
  /** false: this process schedules no reminder jobs (another replica does). */
  REMINDER_WORKER: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** When the reminder sweep runs (cron, UTC); empty turns it off. */
  REMINDER_SCHEDULE_CRON: z.string().default('*/10 * * * *'),
  /** How long before a shift its volunteers are reminded. */
  REMINDER_LEAD_HOURS: z.coerce.number().int().min(1).max(168).default(24),
});
export type VolunteersConfig = z.infer<typeof volunteersConfigSchema>;
