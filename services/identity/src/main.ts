// Distributed-mode entry: `node main migrate` (Helm hook Job), `node main rotate-signing-key`
// (docs/security/identity.md, rotation runbook) or `node main` (the subgraph).
import './instrument'; // first: telemetry patches modules as they load

import { createDataSource, createLogger, DEV_KEK, loadConfig, parseKeyring, runServiceMain, TenantSecrets } from '@commonhold/kit';
import { identityConfigSchema } from './config';
import { KeyRing } from './modules/signing-keys';
import { identityService } from './service';

/** Publishes a new signing key that signs after SIGNING_KEY_PUBLISH_LEAD_SECONDS; prints its kid. */
async function rotateSigningKey(): Promise<void> {
  const config = loadConfig(identityConfigSchema);
  const log = createLogger('identity', config.LOG_LEVEL);
  const ds = createDataSource({ url: config.DATABASE_URL, entities: [], migrations: [], applicationName: 'identity-rotate-key' });
  await ds.initialize();
  try {
    if (config.NODE_ENV === 'production' && !config.SECRETS_KEKS) throw new Error('SECRETS_KEKS is required in production (docs/runbooks/secrets.md)');
    const secrets = new TenantSecrets(parseKeyring(config.SECRETS_KEKS ?? DEV_KEK));
    const kid = await new KeyRing({ ds, log, secrets }, config).rotate();
    log.info({ kid, signsAfterSeconds: config.SIGNING_KEY_PUBLISH_LEAD_SECONDS }, 'signing key published');
  } finally {
    await ds.destroy();
  }
}

(process.argv[2] === 'rotate-signing-key' ? rotateSigningKey() : runServiceMain(identityService, identityConfigSchema)).catch((err) => {
  console.error(err);
  process.exit(1);
});
