import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import gql from 'graphql-tag';
import type { Principal } from './auth';
import { COMPOSITION_ROLE, serviceSdlGuard } from './subgraph-defence';

const principal = (roles: string[]): Principal => ({ userId: 'u', tenantId: 't', roles, scope: 'global' });

async function sut(production: boolean) {
  const server = new ApolloServer<{ principal: Principal }>({
    schema: buildSubgraphSchema({ typeDefs: gql`type Query { hello: String }`, resolvers: { Query: { hello: () => 'hi' } } }),
    plugins: [serviceSdlGuard(production)],
  });
  await server.start();
  return server;
}

describe('serviceSdlGuard', () => {
  it.each<[string, boolean, string[], boolean]>([
    ['production, ordinary token', true, ['admin'], false],
    ['production, composition tooling', true, [COMPOSITION_ROLE], true],
    ['development, ordinary token', false, ['admin'], true],
  ])('%s → answers _service: %s', async (_name, production, roles, answers) => {
    const server = await sut(production);
    const res = await server.executeOperation({ query: '{ _service { sdl } }' }, { contextValue: { principal: principal(roles) } });
    await server.stop();
    const body = res.body.kind === 'single' ? res.body.singleResult : undefined;
    if (answers) {
      expect(body?.errors).toBeUndefined();
      expect((body?.data as { _service: { sdl: string } })._service.sdl).toMatch(/hello/);
    } else {
      expect(body?.data ?? null).toBeNull();
      expect(body?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(res.http.status).toBe(403);
    }
  });

  it('leaves ordinary queries alone in production', async () => {
    const server = await sut(true);
    const res = await server.executeOperation({ query: '{ hello }' }, { contextValue: { principal: principal(['admin']) } });
    await server.stop();
    expect(res.body.kind === 'single' && res.body.singleResult.data).toEqual({ hello: 'hi' });
  });
});
