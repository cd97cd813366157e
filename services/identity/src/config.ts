import { z } from 'zod';
import { baseConfigSchema } from '@commonhold/kit';

/** identity's environment: the kit's keys plus its own (parsed once, typed). */
export const identityConfigSchema = baseConfigSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4001),
  /** Access-token lifetime; at most JWT_MAX_LIFETIME_SECONDS (checked at start). */
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(900).default(900),
  /** A session (refresh-token family) ends this long after login, however often it refreshes. */
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 14),
  /** A new signing key is published this long before it signs: longer than any verifier's JWKS cache (10 min). */
  SIGNING_KEY_PUBLISH_LEAD_SECONDS: z.coerce.number().int().min(0).default(660),
  /** The current key is replaced (with the lead above) once it is this old; 0 turns automatic rotation off. */
  SIGNING_KEY_ROTATE_DAYS: z.coerce.number().int().min(0).default(30),
  /** Longest lifetime of a public link; a retired key stays published this long after it stops signing. */
  PUBLIC_LINK_MAX_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Login limits live here (shared by replicas); unset: process memory (embedded default). */
  REDIS_URL: z.string().optional(),
  REDIS_KEY_PREFIX: z.string().default('commonhold:identity'),
  /** Failed logins per account before it locks; each further lockout lasts twice the last (1 min … 1 h). */
  LOGIN_ACCOUNT_FAILURES: z.coerce.number().int().min(1).default(5),
  /** Failed logins per client address per 15 minutes before it is refused for 15 minutes. */
  LOGIN_IP_FAILURES: z.coerce.number().int().min(1).default(50),
  /** Wrong second-factor codes per account before it locks (same growth as sign-in lockouts: 1 min … 1 h). */
  MFA_ACCOUNT_FAILURES: z.coerce.number().int().min(1).default(5),
  /** Refreshes per client address per minute (POST /auth/refresh), then 429 + Retry-After. */
  REFRESH_IP_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** Redemptions per public link per minute (POST /public-links/redeem), then 429 + Retry-After. */
  PUBLIC_LINK_REDEEM_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /** Where invitation links point (the frontend's set-password page). */
  PUBLIC_BASE_URL: z.url().default('http://localhost:4000'),
});
export type IdentityConfig = z.infer<typeof identityConfigSchema>;
