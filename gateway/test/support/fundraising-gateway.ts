import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, createTokenVerifier, defaultSchemasDir } from '@commonhold/kit';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../src/gateway';

/**
 * A development-mode gateway on the real supergraph whose fundraising subgraph is `fundraisingUrl`
 * (a stand-in the test controls) and volunteers unreachable; tokens from `jwksFile`; rate limits out
 * of the way. `extra` overrides any option.
 */
export function fundraisingOnlyGateway(fundraisingUrl: string, jwksFile: string, extra: Partial<GatewayOptions> = {}): Promise<RunningGateway> {
  return startGateway({
    port: 0,
    host: '127.0.0.1',
    supergraphSdl: readFileSync(join(defaultSchemasDir(), 'supergraph.graphql'), 'utf8'),
    subgraphUrls: { fundraising: fundraisingUrl, volunteers: 'http://127.0.0.1:9/graphql' },
    verifyToken: createTokenVerifier({ jwksFile, issuer: 'commonhold-identity', audience: 'commonhold' }),
    production: false,
    log: createLogger('gateway', 'silent'),
    rateLimit: { tenantPoints: 1e6, ipPoints: 1e6, userPoints: 1e6 },
    ...extra,
  });
}
