import { z } from 'zod';
import { baseConfigSchema } from '@commonhold/kit';

export const fundraisingConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  DEFAULT_CURRENCY: z.string().regex(/^[A-Z]{3}$/).default('GBP'),
});
export type FundraisingConfig = z.infer<typeof fundraisingConfigSchema>;
