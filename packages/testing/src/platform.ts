import { randomBytes } from 'node:crypto';
import { startPlatform, type RunningPlatform } from '@commonhold/platform';
import { adminUrl, gql, bearer, testKeys, uniquePrefix, type GqlResult } from './index';

export interface TestPlatform extends RunningPlatform {
  prefix: string;
  token: (tenantId: string) => Promise<string>;
  /** Calls the gateway as `tenantId`. */
  as: (tenantId: string) => <T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => Promise<GqlResult<T>>;
  /** A token for `tenantId` with other claims (roles, scope, user). */
  tokenWith: (tenantId: string, claims: { userId?: string; roles?: string[]; scope?: 'global' | string[] }) => Promise<string>;
  /** Calls the gateway as `tenantId` with other claims (roles, scope, user). */
  asWith: (tenantId: string, claims: { userId?: string; roles?: string[]; scope?: 'global' | string[] }) => <T = any>(query: string, variables?: Record<string, unknown>) => Promise<GqlResult<T>>;
}

/** The whole platform on free ports, over real Kafka (namespaced topics) or the in-process bus. */
export async function startTestPlatform(opts: {
  transport: 'kafka' | 'in-process';
  env?: Record<string, string>;
  rateLimit?: { tenantPoints?: number; ipPoints?: number };
  /** Only these subgraphs (default: all): a spec starts what it exercises. */
  services?: string[];
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
    gatewayPort: 0,
    nodeEnv: 'test',
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    // A key-encryption key per platform, so specs that run NODE_ENV=production start as production does.
    env: { CONSUMER_BACKOFF_MS: '20', CONSUMER_MAX_ATTEMPTS: '3', CONSUMER_LAG_SAMPLE_MS: '200', SECRETS_KEKS: `test:${randomBytes(32).toString('base64')}`, ...opts.env },
    rateLimit: { keyPrefix: `${prefix}rl`, ...opts.rateLimit },
    ...(opts.services ? { services: opts.services } : {}),
  });
  const tokens = new Map<string, string>();
  const token = async (tenantId: string) => {
    if (!tokens.has(tenantId)) tokens.set(tenantId, await keys.token(tenantId, { userId: `user-of-${tenantId}` }));
    return tokens.get(tenantId)!;
  };
  return {
    ...platform,
    prefix,
    token,
    as: (tenantId) => async (query, variables, headers = {}) => gql(platform.gateway.url, query, variables, { ...bearer(await token(tenantId)), ...headers }),
    tokenWith: (tenantId, claims) => keys.token(tenantId, { userId: `user-of-${tenantId}`, ...claims }),
    asWith: (tenantId, claims) => {
      const signed = keys.token(tenantId, { userId: `user-of-${tenantId}`, ...claims });
      return async (query, variables) => gql(platform.gateway.url, query, variables, bearer(await signed));
    },
  };
}
