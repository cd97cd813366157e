// Input hygiene through a real Apollo Server: literals are checked once per parsed document (the
// verdict cached by document object), variables on every request.
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { parse, type DocumentNode } from 'graphql';
import { inputHygienePlugin, literalProblem, MAX_TEXT_LENGTH } from './input-hygiene';

const typeDefs = `
  input Note { text: String, tags: [String!] }
  type Query { echo(text: String, note: Note): String }
`;
const resolvers = { Query: { echo: (_: unknown, a: { text?: string; note?: { text?: string } }) => a.text ?? a.note?.text ?? '' } };

/** Each request's document object, to see Apollo's document cache hand the same one back. */
const documents: DocumentNode[] = [];
const recordDocuments: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ document }) {
        documents.push(document);
      },
    };
  },
};

let server: ApolloServer;
beforeAll(async () => {
  server = new ApolloServer({ typeDefs, resolvers, plugins: [recordDocuments, inputHygienePlugin(false)] });
  await server.start();
});
afterAll(() => server.stop());

async function run(query: string, variables?: Record<string, unknown>) {
  const res = await server.executeOperation({ query, variables });
  if (res.body.kind !== 'single') throw new Error('expected a single result');
  return res.body.singleResult;
}

describe('inputHygienePlugin', () => {
  it('refuses a bad literal on every request, also when the document comes from the cache', async () => {
    const query = '{ echo(note: { text: "a\\u0000b" }) }';
    documents.length = 0;
    for (let i = 0; i < 3; i++) {
      const r = await run(query);
      expect(r.data).toBeUndefined();
      expect(r.errors?.[0]).toMatchObject({ message: 'note.text must not contain NUL characters', extensions: { code: 'BAD_USER_INPUT', field: 'note.text' } });
    }
    expect(documents).toHaveLength(3);
    expect(new Set(documents).size).toBe(1); // one parsed document served all three
  });

  it('checks variables on every request of a cached document whose literals are fine', async () => {
    const query = 'query Q($t: String, $tags: [String!]) { echo(text: "fine", note: { text: $t, tags: $tags }) }';
    documents.length = 0;
    expect((await run(query, { t: 'ok' })).data).toEqual({ echo: 'fine' });
    const nul = await run(query, { t: 'x\u0000y' });
    expect(nul.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 't' } });
    const surrogate = await run(query, { t: 'ok', tags: ['fine', '\uD800'] });
    expect(surrogate.errors?.[0]).toMatchObject({ message: 'tags[1] must be valid Unicode (it holds a lone surrogate)', extensions: { code: 'BAD_USER_INPUT', field: 'tags[1]' } });
    const long = await run(query, { t: 'x'.repeat(MAX_TEXT_LENGTH + 1) });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 't' });
    expect((await run(query, { t: 'again' })).data).toEqual({ echo: 'fine' });
    expect(new Set(documents).size).toBe(1);
  });

  it('refuses an oversize literal and a NUL in a list literal', async () => {
    const long = await run(`{ echo(text: "${'y'.repeat(MAX_TEXT_LENGTH + 1)}") }`);
    expect(long.errors?.[0]).toMatchObject({ message: `text must be at most ${MAX_TEXT_LENGTH} characters`, extensions: { code: 'BAD_USER_INPUT', field: 'text' } });
    const inList = await run('{ echo(note: { tags: ["ok", "b\\u0000"] }) }');
    expect(inList.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'note.tags' } });
  });
});

describe('literalProblem', () => {
  it('names the first bad literal and its field', () => {
    expect(literalProblem(parse('{ echo(text: "ok", note: { text: "a\\u0000" }) }'))).toEqual({ field: 'note.text', problem: 'note.text must not contain NUL characters' });
    expect(literalProblem(parse('{ echo(text: "ok") }'))).toBeNull();
  });

  it('walks a document once: the verdict is kept per document object', () => {
    const doc = parse('{ echo(text: "fine") }');
    expect(literalProblem(doc)).toBeNull();
    // Documents are never changed in place; this one is, only to show the cached verdict is used.
    const arg = (doc.definitions[0] as any).selectionSet.selections[0].arguments[0];
    arg.value = { ...arg.value, value: 'now\u0000bad' };
    expect(literalProblem(doc)).toBeNull();
    // The same text parsed anew is a new document, checked on its own.
    const fresh = parse('{ echo(text: "now\\u0000bad") }');
    const verdict = literalProblem(fresh);
    expect(verdict).toEqual({ field: 'text', problem: 'text must not contain NUL characters' });
    expect(literalProblem(fresh)).toBe(verdict);
  });
});
