import { traceSamplingConfig } from '@commonhold/kit/src/config';
import { z } from 'zod';

export const gatewayConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  SUPERGRAPH_FILE: z.string().optional(),
  JWKS_URL: z.url().optional(),
  JWKS_FILE: z.string().optional(),
  JWT_ISSUER: z.string().default('commonhold-identity'),
  JWT_AUDIENCE: z.string().default('commonhold'),
  /** Longest accepted access-token lifetime (`exp - iat`), seconds. */
  JWT_MAX_LIFETIME_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  REDIS_URL: z.string().optional(),
  RATE_LIMIT_TENANT_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(1).default(3000),
  /** Per user, under the tenant's limit: one user cannot spend the whole tenant's budget. */
  RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().min(1).default(1500),
  /** Per source address per webhook endpoint (`/webhooks/<provider>`), besides the per-address budget. */
  RATE_LIMIT_WEBHOOK_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Browser origins allowed by CORS, comma-separated (`http://host:*` = any port, no credentials). Unset: localhost outside production. */
  CORS_ORIGINS: z.string().optional(),
  /** Proxies whose X-Forwarded-For is believed: hop count or comma list of addresses/CIDRs. Unset: none. */
  TRUST_PROXY: z.string().optional(),
  /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  MAX_DEPTH: z.coerce.number().int().min(1).default(12),
  MAX_COST: z.coerce.number().int().min(1).default(5000),
  MAX_ALIASES: z.coerce.number().int().min(1).default(15),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().optional(),
  ...traceSamplingConfig,
  /** Identical concurrent subgraph queries share one upstream request (never mutations); false sends each. */
  DEDUPE_SUBGRAPH_FETCHES: z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
    .default('true')
    .transform((v) => ['true', '1', 'yes', 'on'].includes(v)),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

/** SUBGRAPH_<NAME>_URL overrides the routing URL composed into the supergraph. */
export function subgraphUrlsFromEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const m = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(k);
    if (m && v) out[m[1]!.toLowerCase().replace(/_/g, '-')] = z.url().parse(v);
  }
  return out;
}
