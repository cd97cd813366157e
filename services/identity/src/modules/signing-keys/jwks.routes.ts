import type express from 'express';
import type { ServiceRuntime } from '@commonhold/kit';
import type { IdentityConfig } from '../../config';
import { keyRing } from './key-ring';

/**
 * `GET /.well-known/jwks.json`: the public keys (RFC 7517), served through the gateway as a plain-HTTP
 * passthrough. Cacheable for a minute; verifiers cache it themselves and refetch for unknown kids.
 * Also starts the key ring: a first key at start, and the automatic rotation check every hour.
 */
export function jwksRoutes(app: express.Express, rt: ServiceRuntime): void {
  const ring = keyRing(rt);
  const config = rt.config as IdentityConfig;
  ring.ensure().catch((err) => rt.log.error({ err }, 'could not create the first signing key'));
  if (config.SIGNING_KEY_ROTATE_DAYS > 0) {
    setInterval(() => void ring.ensure().catch((err) => rt.log.error({ err }, 'signing key rotation check failed')), 3_600_000).unref();
  }
  app.get('/.well-known/jwks.json', async (_req, res, next) => {
    try {
      res.set('cache-control', 'public, max-age=60').type('application/jwk-set+json').send(JSON.stringify(await ring.jwks()));
    } catch (err) {
      next(err);
    }
  });
}
