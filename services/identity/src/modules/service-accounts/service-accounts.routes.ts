import type express from 'express';
import { requireFeature, type ServiceRuntime } from '@commonhold/kit';
import type { IdentityConfig } from '../../config';
import { route } from '../../shared/http';
import { securityMetrics } from '../../shared/security-metrics';
import { keyRing } from '../signing-keys';
import { LoginLimits } from '../sessions';
import { exchangeApiKey } from './exchange-api-key';

/**
 * `POST /auth/token` with `Authorization: ApiKey <key>`: an integrator's key for a 15-minute access
 * token. Failures count against the caller's address like failed sign-ins (429 + Retry-After).
 */
export function serviceAccountRoutes(app: express.Express, rt: ServiceRuntime): () => Promise<void> {
  const config = rt.config as IdentityConfig;
  const limits = new LoginLimits({ redisUrl: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, accountFailures: config.LOGIN_ACCOUNT_FAILURES, ipFailures: config.LOGIN_IP_FAILURES });
  const d = { ds: rt.ds, ring: keyRing(rt), config };
  const metrics = securityMetrics(rt.metrics.registry);
  app.post('/auth/token', route(rt.log, async (req, res) => {
    requireFeature(config, 'ENABLE_IDENTITY');
    const ip = req.ip ?? 'unknown';
    try {
      await limits.checkIp(ip);
    } catch (err) {
      metrics.rateLimited('/auth/token');
      throw err;
    }
    const key = /^ApiKey\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    try {
      const t = await exchangeApiKey(d, key);
      res.json({ accessToken: t.accessToken, tokenType: 'Bearer', expiresIn: t.expiresIn });
    } catch (err) {
      await limits.failedIp(ip);
      metrics.authFailure('api_key');
      throw err;
    }
  }));
  return () => limits.close();
}
