import { z } from 'zod';
import { baseConfigSchema } from '@commonhold/kit';

/** vendors's environment: the kit's keys plus its own (parsed once, typed). */
export const vendorsConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4050),
  /** Root folder of the filesystem document storage (work-order estimates, invoices, completion proof). */
  VENDOR_DOCUMENTS_DIR: z.string().min(1).default('.data/vendor-documents'),
  /** Largest document accepted, bytes (decoded); uploads travel base64 in GraphQL under the 1 MB body limit. */
  /** identity's base URL: it signs work-order links (createPublicLink) and redeems them; unset, links are refused. */
  IDENTITY_URL: z.url().optional(),
  VENDOR_DOCUMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(700_000).default(512 * 1024),
});
export type VendorsConfig = z.infer<typeof vendorsConfigSchema>;
