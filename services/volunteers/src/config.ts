import { z } from 'zod';
import { baseConfigSchema } from '@commonhold/kit';

export const volunteersConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4060),
});
