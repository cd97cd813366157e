import { GraphQLScalarType } from 'graphql';
import { composeModules, defineModule, mergeResolvers } from './module';
import { keysetPage, CREATED_AT_ID } from './keyset';
import { encodeCursor } from './pagination';

describe('modules', () => {
  const scalar = new GraphQLScalarType({ name: 'Thing' });
  const a = defineModule({ name: 'contacts', resolvers: { Query: { contact: () => 1 }, Thing: scalar }, migrations: [class A {}], consumers: () => [{ name: 'a' } as never] });
  const b = defineModule({ name: 'gift-aid', resolvers: { Query: { gift: () => 2 }, Thing: scalar }, entities: [class E {}], routes: (app) => (app as unknown as string[]).push('b') });

  it('composes resolvers, entities, migrations, consumers and routes in module order', () => {
    class Base {}
    const c = composeModules([a, b], { migrations: [Base] });
    expect(Object.keys((c.resolvers as Record<string, object>).Query!)).toEqual(['contact', 'gift']);
    expect(c.migrations.map((m) => m.name)).toEqual(['Base', 'A']);
    expect(c.entities).toHaveLength(1);
    expect(c.consumers({} as never)).toEqual([{ name: 'a' }]);
    const app: string[] = [];
    c.routes(app as never, {} as never);
    expect(app).toEqual(['b']);
  });

  it('refuses a field resolved twice, a module listed twice and a name that is not kebab-case', () => {
    expect(() => mergeResolvers([{ Query: { x: () => 1 } }, { Query: { x: () => 2 } }])).toThrow('Resolver Query.x is defined by two modules');
    expect(() => composeModules([a, a])).toThrow('listed twice');
    expect(() => defineModule({ name: 'GiftAid' })).toThrow('kebab-case');
  });
});

describe('keysetPage', () => {
  const rows = [1, 2, 3].map((i) => ({ id: `00000000-0000-4000-8000-00000000000${i}`, at: new Date(Date.UTC(2026, 0, i)) }));
  const opts = { shape: CREATED_AT_ID, cursorOf: (r: (typeof rows)[number]) => [r.at.toISOString(), r.id] };

  it('fetches limit + 1 rows after the decoded cursor and builds the connection', async () => {
    const seen: unknown[] = [];
    const page = await keysetPage({ first: 2 }, opts, async (q) => (seen.push(q), rows));
    expect(seen).toEqual([{ after: null, take: 3, limit: 2 }]);
    expect(page.edges.map((e) => e.node)).toEqual(rows.slice(0, 2));
    expect(page.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: encodeCursor(opts.cursorOf(rows[0]!)), endCursor: encodeCursor(opts.cursorOf(rows[1]!)) });
    const next = await keysetPage({ first: 2, after: page.pageInfo.endCursor }, opts, async (q) => (seen.push(q.after), rows.slice(2)));
    expect(seen[1]).toEqual(opts.cursorOf(rows[1]!));
    expect(next.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: encodeCursor(opts.cursorOf(rows[2]!)), endCursor: encodeCursor(opts.cursorOf(rows[2]!)) });
  });

  it('refuses a cursor of another shape before any query', async () => {
    const fetch = jest.fn();
    await expect(keysetPage({ after: encodeCursor([1]) }, opts, fetch)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
    await expect(keysetPage({ first: 101 }, opts, fetch)).rejects.toMatchObject({ extensions: { field: 'first' } });
    expect(fetch).not.toHaveBeenCalled();
  });
});
