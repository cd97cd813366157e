import { randomBytes } from 'node:crypto';
import { startPlatform, type PlatformOptions, type RunningPlatform } from '@commonhold/platform';
import type { ScopeClaim } from '@commonhold/kit';
import { adminUrl, gql, bearer, testKeys, uniquePrefix, type GqlResult } from './index';

/** Who a test calls as, beyond the tenant: roles (default `['admin']`), scope (default `global`), user id. */
export interface Caller {
  roles?: string[];
  scope?: ScopeClaim;
  userId?: string;
}

export interface TestPlatform extends RunningPlatform {
  prefix: string;
  token: (tenantId: string, caller?: Caller) => Promise<string>;
  /** Calls the gateway as `tenantId` (an admin with global scope unless `caller` says otherwise). */
  as: (tenantId: string, caller?: Caller) => <T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => Promise<GqlResult<T>>;
}

/** The whole platform on free ports, over real Kafka (namespaced topics) or the in-process bus. */
export async function startTestPlatform(opts: {
  transport: 'kafka' | 'in-process';
  env?: Record<string, string>;
  rateLimit?: { tenantPoints?: number; ipPoints?: number; webhookPoints?: number };
  /** Only these subgraphs (default: all): a spec starts what it exercises. */
  services?: string[];
  /** Extra env for one service by name (e.g. identity's login limits). */
  serviceEnv?: PlatformOptions['serviceEnv'];
  /** Token checks of the gateway and subgraphs (JWKS cache and cooldown, maximum lifetime). */
  tokens?: PlatformOptions['tokens'];
  /** The gateway's port (default: a free one), for specs whose providers call back a public URL given before start. */
  gatewayPort?: number;
}): Promise<TestPlatform> {
  const keys = await testKeys();
  const prefix = uniquePrefix();
  if (opts.transport === 'kafka' && !process.env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is unset (globalSetup starts a broker)');
  const platform = await startPlatform({
    adminUrl: adminUrl(),
    databasePrefix: prefix,
    appPassword: 'test-password',
    jwksFile: keys.jwksFile,
    kafkaBrokers: opts.transport === 'kafka' ? process.env.KAFKA_BROKERS : undefined,
    kafkaTopicPrefix: `${prefix}.`,
    redisUrl: process.env.REDIS_URL,
    basePort: 0,
    gatewayPort: opts.gatewayPort ?? 0,
    nodeEnv: 'test',
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    // A key-encryption key per platform, so specs that run NODE_ENV=production start as production does.
    env: { CONSUMER_BACKOFF_MS: '20', CONSUMER_MAX_ATTEMPTS: '3', CONSUMER_LAG_SAMPLE_MS: '200', SECRETS_KEKS: `test:${randomBytes(32).toString('base64')}`, ...opts.env },
    rateLimit: { keyPrefix: `${prefix}rl`, ...opts.rateLimit },
    ...(opts.services ? { services: opts.services } : {}),
    serviceEnv: opts.serviceEnv,
    tokens: opts.tokens,
  });
  // One token per tenant and caller. Development tokens live 15 minutes (the verifiers' maximum): re-minted after 10.
  const tokens = new Map<string, { token: string; at: number }>();
  const token = async (tenantId: string, caller: Caller = {}) => {
    const key = JSON.stringify([tenantId, caller.roles ?? null, caller.scope ?? null, caller.userId ?? null]);
    const hit = tokens.get(key);
    if (hit && Date.now() - hit.at < 600_000) return hit.token;
    const fresh = await keys.token(tenantId, { userId: caller.userId ?? `user-of-${tenantId}`, ...(caller.roles ? { roles: caller.roles } : {}), ...(caller.scope ? { scope: caller.scope } : {}) });
    tokens.set(key, { token: fresh, at: Date.now() });
    return fresh;
  };
  return {
    ...platform,
    prefix,
    token,
    stop: async () => {
      await platform.stop();
      // pg-boss (collections, volunteers, grants, voting, bulk-ops) lets each stopped worker finish on a
      // detached loop that re-checks every second; let it end before Jest tears down this suite's
      // modules (it would otherwise require() into a torn-down registry and fail the suite).
      await new Promise((r) => setTimeout(r, 1_200));
    },
    as: (tenantId, caller) => async (query, variables, headers = {}) => gql(platform.gateway.url, query, variables, { ...bearer(await token(tenantId, caller)), ...headers }),
  };
}
