// The distributed stack's development tokens (scripts/distributed/infra.ts, used by
// `npm run start:distributed` and `npm run drill:chaos`) must pass the verifiers' default rules:
// a 12-hour token was refused by the 15-minute maximum lifetime and every drill call got 401.
import { createTokenVerifier } from '@commonhold/kit';
import { devKeys } from '../scripts/distributed/infra';

it('mints tokens the services and the gateway accept with their default configuration', async () => {
  const keys = await devKeys();
  const verify = createTokenVerifier({ jwksFile: keys.jwksFile, issuer: 'commonhold-identity', audience: 'commonhold' });
  const principal = await verify(`Bearer ${await keys.token('drill-tenant')}`);
  expect(principal).toMatchObject({ tenantId: 'drill-tenant', roles: ['admin'], scope: 'global' });
});
