import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse } from 'graphql';
import gql from 'graphql-tag';
import { accessCoverage, guardSchema } from './access';
import { composeAccessRules } from './module';

const typeDefs = gql`
  type Thing @key(fields: "id") {
    id: ID!
  }
  type Other @key(fields: "id") {
    id: ID!
  }
  type Query {
    thing(id: ID!): Thing
    secret: String
  }
  type Mutation {
    eraseThing(id: ID!): Boolean
    forgotten: Boolean
  }
`;

describe('guardSchema', () => {
  let calls: string[];
  const resolvers = {
    Query: { thing: (_: unknown, { id }: { id: string }) => (calls.push('thing'), { id }), secret: () => (calls.push('secret'), 's') },
    Mutation: { eraseThing: () => (calls.push('erase'), true), forgotten: () => (calls.push('forgotten'), true) },
    Thing: { __resolveReference: (r: { id: string }) => (calls.push('ref'), r) },
    Other: { __resolveReference: (r: { id: string }) => (calls.push('other'), r) },
  };
  const access = composeAccessRules([
    { name: 'things', permissions: { Query: { thing: 'things:read', secret: 'things:read' }, Mutation: { eraseThing: 'things:erase' }, entities: { Thing: 'things:read' } } },
  ]);
  const schema = guardSchema(buildSubgraphSchema({ typeDefs, resolvers: resolvers as never }), access);
  const run = async (query: string, roles: string[], scope: 'global' | string[] = 'global') => {
    const res = await execute({ schema, document: parse(query), contextValue: { principal: { userId: 'u', tenantId: 't', roles, scope } } });
    return { data: res.data, errors: res.errors?.map((e) => e.extensions) };
  };
  beforeEach(() => (calls = []));

  it('runs a resolver the caller is granted', async () => {
    expect(await run('{ thing(id: "1") { id } }', ['auditor'])).toEqual({ data: { thing: { id: '1' } }, errors: undefined });
    expect(calls).toEqual(['thing']);
  });

  it('refuses before the resolver runs, naming the permission', async () => {
    const res = await run('mutation { eraseThing(id: "1") }', ['auditor']);
    expect(res.errors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', permission: 'things:erase', operation: 'Mutation.eraseThing' })]);
    expect(calls).toEqual([]);
  });

  it('refuses a root field without a rule even to admin', async () => {
    const res = await run('mutation { forgotten }', ['admin']);
    expect(res.errors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', reason: 'NO_RULE', operation: 'Mutation.forgotten' })]);
    expect(calls).toEqual([]);
  });

  it('checks _entities per entity type: granted types resolve, undeclared types are refused', async () => {
    const q = (t: string) => `{ _entities(representations: [{ __typename: "${t}", id: "1" }]) { ... on ${t} { id } } }`;
    expect((await run(q('Thing'), ['auditor'])).data).toEqual({ _entities: [{ id: '1' }] });
    expect((await run(q('Thing'), ['viewer'])).errors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', permission: 'things:read', operation: '_entities(Thing)' })]);
    expect((await run(q('Other'), ['admin'])).errors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', reason: 'NO_RULE', operation: '_entities(Other)' })]);
    expect(calls).toEqual(['ref']);
  });

  it('refuses a building-scoped caller on a module whose data is not fenced by scope', async () => {
    const res = await run('{ secret }', ['admin'], ['building:00000000-0000-4000-8000-0000000000b1']);
    expect(res.errors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', reason: 'SCOPE' })]);
    expect(calls).toEqual([]);
  });

  it('reports the operations without a rule and the rules without an operation', () => {
    const withStale = composeAccessRules([{ name: 'x', permissions: { Query: { thing: 'things:read', secret: 'things:read', gone: 'things:read' }, entities: { Thing: 'things:read', Gone: 'things:read' } } }]);
    expect(accessCoverage(schema, withStale)).toEqual({ missing: ['Mutation.eraseThing', 'Mutation.forgotten', '_entities(Other)'], stale: ['Query.gone', '_entities(Gone)'] });
  });

  it("takes an operation's own scopedCallers over its module's", () => {
    const rules = composeAccessRules([
      { name: 'own', scopedCallers: 'fenced', permissions: { Query: { mine: 'authenticated', everyone: { rule: 'people:read', scopedCallers: 'refused' } } } },
      { name: 'plain', permissions: { Query: { list: 'people:read', self: { rule: 'authenticated', scopedCallers: 'fenced' } } } },
    ]);
    expect(Object.fromEntries(Object.entries(rules.Query).map(([op, r]) => [op, [r.rule, r.scopedCallers]]))).toEqual({
      mine: ['authenticated', true],
      everyone: ['people:read', false],
      list: ['people:read', false],
      self: ['authenticated', true],
    });
  });

  it('refuses a rule declared by two modules', () => {
    expect(() => composeAccessRules([{ name: 'a', permissions: { Query: { x: 'a:read' } } }, { name: 'b', permissions: { Query: { x: 'b:read' } } }])).toThrow('Permission rule Query.x is declared by two modules (a, b)');
  });
});
