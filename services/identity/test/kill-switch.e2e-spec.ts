// identity's kill switch (ENABLE_IDENTITY=false): sign-in, refresh and its GraphQL answer
// FEATURE_DISABLED, while the JWKS stays served so tokens already issued keep verifying everywhere.
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';
import { post } from './support/auth-client';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ transport: 'in-process', services: ['identity'], env: { ENABLE_IDENTITY: 'false' } });
}, 120_000);
afterAll(async () => platform?.stop());

it('stops new sessions but keeps publishing the keys', async () => {
  const login = await post(platform, '/auth/login', { tenant: 'acme', email: 'a@example.org', password: 'whatever it is here' });
  expect({ status: login.status, code: login.body.errors[0].extensions.code }).toEqual({ status: 503, code: 'FEATURE_DISABLED' });
  expect((await post(platform, '/auth/refresh', { refreshToken: 'x' })).status).toBe(503);
  expect((await post(platform, '/auth/token', {})).status).toBe(503);
  const me = await platform.as('acme')('{ me { userId } }');
  expect(me.errors?.[0]?.extensions?.code).toBe('FEATURE_DISABLED');
  const jwks = await fetch(new URL('/.well-known/jwks.json', platform.gateway.url));
  expect(jwks.status).toBe(200);
  expect(((await jwks.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
});
