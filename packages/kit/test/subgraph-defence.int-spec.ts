// Subgraphs defend themselves (issue 9 item 8): a direct call with a valid token meets the same
// kind of limits the gateway applies, and production subgraphs show `_service { sdl }` only to
// composition tooling. The platform runs its subgraphs with NODE_ENV=production here.
import { randomBytes } from 'node:crypto';
import { bearer, gql } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';

describe('subgraph limits and _service in production', () => {
  let platform: TestPlatform;
  let url: string;
  const tenant = `sub-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    platform = await startTestPlatform({ transport: 'in-process', env: { NODE_ENV: 'production' } });
    url = platform.services.fundraising!.url;
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('refuses 300 aliases on a direct call with a valid token', async () => {
    const aliases = Array.from({ length: 300 }, (_, i) => `a${i}: contacts(first: 1) { pageInfo { hasNextPage } }`).join(' ');
    const r = await gql(url, `{ ${aliases} }`, undefined, bearer(await platform.token(tenant)));
    expect(r.status).toBe(400);
    expect(r.data).toBeUndefined();
    expect(r.errors?.map((e) => e.message)).toContainEqual(expect.stringMatching(/^Aliases limit of 30 exceeded/));
    for (const e of r.errors ?? []) expect(e.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses depth 62 on a direct call', async () => {
    let inner = 'id';
    for (let i = 0; i < 15; i++) inner = `contact { gifts { edges { node { ${inner} } } } }`;
    const r = await gql(url, `{ gifts(first: 1) { edges { node { ${inner} } } } }`, undefined, bearer(await platform.token(tenant)));
    expect(r.status).toBe(400);
    const messages = r.errors?.map((e) => e.message) ?? [];
    expect(messages).toContainEqual(expect.stringMatching(/^Query depth limit of 16 exceeded/));
    for (const e of r.errors ?? []) expect(e.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses _service { sdl } to an ordinary token in production (FORBIDDEN, 403)', async () => {
    const r = await gql(url, '{ _service { sdl } }', undefined, bearer(await platform.token(tenant)));
    expect(r.status).toBe(403);
    expect(r.data?._service ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN' });
  });

  it('answers ordinary operations through the gateway (query plans stay within the limits)', async () => {
    const r = await platform.as(tenant)('{ contacts(first: 5) { edges { node { id giving { lifetimeTotal { amountMinor } } } } } }');
    expect(r.errors).toBeUndefined();
    expect(r.data.contacts.edges).toEqual([]);
  });
});
