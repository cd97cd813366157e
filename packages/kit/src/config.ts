import { z } from 'zod';
import { SERVICE_FEATURE_FLAGS } from './registry.generated';
import { parsePilotTenants } from './flags';

/** Flags of capabilities inside a service (ARCHITECTURE §6), documented in env.schema.example. */
export const CAPABILITY_FLAGS = ['ENABLE_VOTE_AUTOMATION', 'ENABLE_VENDOR_PORTAL', 'ENABLE_HTTPONLY_AUTH', 'ENABLE_SLO_METRICS'] as const;

/**
 * Every feature flag: the capability flags above and one kill switch per subgraph, taken from the
 * service registry (services/<name>/service.json → registry.generated.ts), so a new subgraph cannot
 * ship without its flag.
 */
export const FEATURE_FLAGS = [...CAPABILITY_FLAGS, ...SERVICE_FEATURE_FLAGS] as const;
export type FeatureFlag = (typeof FEATURE_FLAGS)[number];

/** The sampler names of the OpenTelemetry spec (`OTEL_TRACES_SAMPLER`) the kit understands (telemetry.ts). */
export const TRACE_SAMPLERS = ['parentbased_traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'traceidratio', 'always_on', 'always_off'] as const;
export type TraceSamplerName = (typeof TRACE_SAMPLERS)[number];

/** Standard OpenTelemetry sampling settings, validated with the rest (telemetry.ts reads them first). */
export const traceSamplingConfig = {
  OTEL_TRACES_SAMPLER: z.enum(TRACE_SAMPLERS).optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
};

const bool = (dflt: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
    .optional()
    .transform((v) => (v === undefined ? dflt : ['true', '1', 'yes', 'on'].includes(v)));

/** Settings every service shares; a service extends it with its own keys. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: z.coerce.number().int().min(0).max(65535),
  DATABASE_URL: z.string().min(1),
  /** Owner connection used only to migrate (the app connects as DATABASE_URL's non-owner role). */
  DATABASE_MIGRATION_URL: z.string().optional(),
  KAFKA_BROKERS: z.string().optional(),
  /** Namespace for topics and consumer groups when environments share a Kafka cluster. */
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/).default(''),
  JWKS_URL: z.url().optional(),
  /** Path to a JWKS file holding the public key(s); the embedded default. */
  JWKS_FILE: z.string().optional(),
  JWT_ISSUER: z.string().default('commonhold-identity'),
  JWT_AUDIENCE: z.string().default('commonhold'),
  /** Longest accepted access-token lifetime (`exp - iat`), seconds; identity issues 15-minute tokens. */
  JWT_MAX_LIFETIME_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().optional(),
  ...traceSamplingConfig,
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  CONSUMER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  CONSUMER_BACKOFF_MS: z.coerce.number().int().min(0).default(200),
  /** Canary drills only: `errors:<fraction>` or `latency:<ms>` on GraphQL requests. */
  FAULT_INJECTION: z.string().optional(),
  /** FAULT_INJECTION is refused under NODE_ENV=production unless this is true (a staging drill). */
  ALLOW_FAULT_INJECTION: z.enum(['true', 'false']).default('false'),
  CONSUMER_LAG_SAMPLE_MS: z.coerce.number().int().min(100).default(15_000),
  /**
   * Key-encryption keys for tenants' secrets at rest: `id:base64(32 bytes)[,…]`, the first wraps new
   * data keys (secrets.ts, docs/runbooks/secrets.md). Required in production; elsewhere a fixed
   * development key is used.
   */
  SECRETS_KEKS: z.string().optional(),
  /** How often the audit completeness checker runs (audit-check.ts); 0 turns the schedule off. */
  AUDIT_CHECK_INTERVAL_MS: z.coerce.number().int().min(0).default(600_000),
  /** Browser origins allowed by CORS, comma-separated; `http://host:*` allows any port without credentials. Unset: localhost outside production. */
  CORS_ORIGINS: z.string().optional(),
  /** Proxies whose X-Forwarded-For is believed: a hop count or a list of addresses/CIDRs. Unset: none. */
  TRUST_PROXY: z.string().optional(),
  /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** The broker counts as down for /ready after this long unreachable (ADR 0006). */
  TRANSPORT_UNREACHABLE_AFTER_MS: z.coerce.number().int().min(0).default(15_000),
  /** true: a broker down past the threshold fails /ready (503); false: /ready says "degraded" (200). */
  READY_REQUIRES_TRANSPORT: z.enum(['true', 'false']).default('false'),
  /** Graceful drain on SIGTERM (ADR 0006): keep serving this long after /ready turns 503 (default 5 s in production, else 0). */
  DRAIN_GRACE_MS: z.coerce.number().int().min(0).optional(),
  /** Longest wait for in-flight requests after the grace period. */
  DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).default(25_000),
  /**
   * Pilot tenants per flag, `FLAG:tenant-a,tenant-b;FLAG2:tenant-c`: the flag is on for them even
   * where `FLAG=false`; a tenant's own setting overrides both (flags.ts, docs/runbooks/feature-pilots.md).
   */
  FEATURE_PILOT_TENANTS: z.string().optional().superRefine((v, ctx) => {
    try {
      parsePilotTenants(v, FEATURE_FLAGS);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  }),
  /** How long an instance reuses a tenant's flag settings before reading them again. */
  TENANT_FLAGS_CACHE_MS: z.coerce.number().int().min(0).default(5000),
  ...Object.fromEntries(FEATURE_FLAGS.map((f) => [f, bool(f !== 'ENABLE_HTTPONLY_AUTH')])) as Record<
    FeatureFlag,
    ReturnType<typeof bool>
  >,
});
export type BaseConfig = z.infer<typeof baseConfigSchema>;

/** Parse env once; an invalid environment stops the process with every problem listed. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  return parsed.data;
}
