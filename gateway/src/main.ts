// Distributed-mode entry for the gateway: static supergraph, JWKS verification, Redis rate limits.
import './instrument'; // first: telemetry patches modules as they load

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, logProcessWarnings, createTokenVerifier, defaultSchemasDir, loadConfig, parseCorsOrigins, parseTrustProxy } from '@commonhold/kit';
import { gatewayConfigSchema, subgraphUrlsFromEnv } from './config';
import { startGateway } from './gateway';

async function main() {
  const config = loadConfig(gatewayConfigSchema);
  const log = createLogger('gateway', config.LOG_LEVEL);
  logProcessWarnings(log);
  const gw = await startGateway({
    port: config.PORT,
    supergraphSdl: readFileSync(config.SUPERGRAPH_FILE ?? join(defaultSchemasDir(), 'supergraph.graphql'), 'utf8'),
    subgraphUrls: subgraphUrlsFromEnv(process.env),
    verifyToken: createTokenVerifier({ jwksUrl: config.JWKS_URL, jwksFile: config.JWKS_FILE, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, maxLifetimeSeconds: config.JWT_MAX_LIFETIME_SECONDS }),
    production: config.NODE_ENV === 'production',
    limits: { maxDepth: config.MAX_DEPTH, maxCost: config.MAX_COST, maxAliases: config.MAX_ALIASES },
    rateLimit: { redisUrl: config.REDIS_URL, tenantPoints: config.RATE_LIMIT_TENANT_PER_MINUTE, ipPoints: config.RATE_LIMIT_IP_PER_MINUTE, userPoints: config.RATE_LIMIT_USER_PER_MINUTE, webhookPoints: config.RATE_LIMIT_WEBHOOK_PER_MINUTE },
    corsOrigins: parseCorsOrigins(config.CORS_ORIGINS, config.NODE_ENV === 'production'),
    trustProxy: parseTrustProxy(config.TRUST_PROXY),
    metricsToken: config.METRICS_TOKEN,
    dedupeSubgraphFetches: config.DEDUPE_SUBGRAPH_FETCHES,
    log,
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, async () => {
      log.info({ signal }, 'shutting down');
      await gw.stop();
      process.exit(0);
    });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
