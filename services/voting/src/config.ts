import { z } from 'zod';
import { baseConfigSchema } from '@commonhold/kit';

const bool = (dflt: boolean) =>
  z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? dflt : v === 'true'));

/** voting's environment: the kit's keys plus its own (parsed once, typed). */
export const votingConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4040),
  /** false: this process schedules vote closes but works no close jobs (another replica does). */
  VOTING_WORKER: bool(true),
  /** How often the close worker polls pg-boss for due closes (a close runs at most this late). */
  VOTING_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  /** identity's base URL: ballot links are redeemed there (one use each); unset, ballot links are refused. */
  IDENTITY_URL: z.url().optional(),
  /** Tries of one close job (pg-boss retries with backoff, then its dead-letter queue). */
  VOTING_CLOSE_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
});
export type VotingConfig = z.infer<typeof votingConfigSchema>;
