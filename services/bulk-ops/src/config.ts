import { z } from 'zod';
import { baseConfigSchema } from '@commonhold/kit';

/** bulk-ops's environment: the kit's keys plus its own (parsed once, typed). */
export const bulkOpsConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4030),
  /** When the sweeper looks for items stuck in flight (cron, UTC); empty turns it off. */
  BULK_SWEEP_CRON: z.string().default('* * * * *'),
  /** An item in flight (sent to collections, no answer) longer than this becomes failed and retryable. */
  BULK_ITEM_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
});
export type BulkOpsConfig = z.infer<typeof bulkOpsConfigSchema>;
