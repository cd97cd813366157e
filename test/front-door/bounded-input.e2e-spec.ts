// Bounded inputs (issue 9 item 6), through the gateway and on a subgraph directly: NUL bytes,
// lone surrogates and oversize text are BAD_USER_INPUT naming the field, never INTERNAL; enum
// "did you mean" hints are hidden in production.
import { randomBytes, randomUUID } from 'node:crypto';
import { bearer, gql } from '@commonhold/testing';
import { startTestPlatform, type TestPlatform } from '@commonhold/testing/src/platform';

const CREATE = 'mutation C($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }';

describe('bounded inputs', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ transport: 'in-process', env: { NODE_ENV: 'production' } });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it.each<[string, string, string]>([
    ['a NUL byte', 'Ada\u0000', 'input.firstName'],
    ['a lone surrogate', 'Ada\uD800', 'input.firstName'],
    ['300,000 characters', 'x'.repeat(300_000), 'input.firstName'],
  ])('refuses %s as BAD_USER_INPUT naming the field (gateway and subgraph)', async (_name, firstName, field) => {
    const tenant = `bi-${randomBytes(4).toString('hex')}`;
    const variables = { input: { firstName, lastName: 'Lovelace', idempotencyKey: randomUUID() } };
    const viaGateway = await platform.as(tenant)(CREATE, variables);
    expect(viaGateway.status).toBe(400);
    expect(viaGateway.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    const direct = await gql(platform.services.fundraising!.url, CREATE, variables, bearer(await platform.token(tenant)));
    expect(direct.status).toBe(400);
    expect(direct.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('names the field of a NUL byte in a literal too', async () => {
    const r = await gql(platform.services.fundraising!.url, `mutation { createContact(input: { firstName: "A\\u0000", lastName: "B", idempotencyKey: "${randomUUID()}" }) { contact { id } } }`, undefined, bearer(await platform.token('bi-lit')));
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.firstName' });
  });

  it('hides enum "did you mean" hints in production', async () => {
    const r = await gql(platform.services.fundraising!.url, '{ opportunities(stage: PROSPECTIN) { edges { node { id } } } }', undefined, bearer(await platform.token('bi-enum')));
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});
