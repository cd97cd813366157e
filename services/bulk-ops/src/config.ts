import { z } from 'zod';
import { baseConfigSchema } from '@commonhold/kit';

/** bulk-ops's environment: the kit's keys plus its own (parsed once, typed). */
export const bulkOpsConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4030),
});
