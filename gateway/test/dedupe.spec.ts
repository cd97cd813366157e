// Which subgraph fetches may share one upstream request (dedupe.ts): the key and the query test.
import { dedupeKey, isQueryBody } from '../src/dedupe';

const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });
const init = (b: string, headers: Record<string, string> = { authorization: 'Bearer a' }): RequestInit => ({ method: 'POST', body: b, headers: { 'content-type': 'application/json', ...headers } });
const url = 'http://fundraising:4010/graphql';

describe('isQueryBody', () => {
  it.each([
    ['a named query', 'query Op__fundraising__0($id:ID!){gift(id:$id){id}}'],
    ['an anonymous query', 'query{gift(id:"1"){id}}'],
    ['the shorthand', '{gift(id:"1"){id}}'],
    ['leading whitespace and commas', '\n\t , query Q{a}'],
    ['an entities fetch', 'query($representations:[_Any!]!){_entities(representations:$representations){...on Contact{id}}}'],
  ])('is true for %s', (_name, q) => {
    expect(isQueryBody(body(q))).toBe(true);
  });

  it.each([
    ['a mutation', 'mutation M($input:X!){createContact(input:$input){contact{id}}}'],
    ['a subscription', 'subscription{ticks}'],
    ['a query-like name that is not the keyword', 'queryX{a}'],
    ['a leading comment (not looked through)', '# query\nmutation{a}'],
  ])('is false for %s', (_name, q) => {
    expect(isQueryBody(body(q))).toBe(false);
  });

  it('is false for a body of another shape (query not first, APQ without text, not JSON)', () => {
    expect(isQueryBody(JSON.stringify({ variables: {}, query: '{a}' }))).toBe(false);
    expect(isQueryBody(JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'x' } } }))).toBe(false);
    expect(isQueryBody('query{a}')).toBe(false);
  });
});

describe('dedupeKey', () => {
  const q = body('query Q($id:ID!){gift(id:$id){id}}', { id: '1' });

  it('is the same for the same subgraph, operation, variables and token, whatever the request id and trace', () => {
    const a = dedupeKey(url, init(q, { authorization: 'Bearer a', 'x-request-id': 'r1', traceparent: '00-aa-01' }));
    const b = dedupeKey(url, init(q, { authorization: 'Bearer a', 'x-request-id': 'r2', traceparent: '00-bb-01' }));
    expect(a).toBeDefined();
    expect(a).toBe(b);
  });

  it('differs by token, by any other forwarded header, by variables and by subgraph', () => {
    const base = dedupeKey(url, init(q));
    expect(dedupeKey(url, init(q, { authorization: 'Bearer b' }))).not.toBe(base);
    expect(dedupeKey(url, init(q, { authorization: 'Bearer a', 'x-tenant-scope': 'building-1' }))).not.toBe(base);
    expect(dedupeKey(url, init(q, { authorization: 'Bearer a', cookie: 'session=1' }))).not.toBe(base);
    expect(dedupeKey(url, init(body('query Q($id:ID!){gift(id:$id){id}}', { id: '2' })))).not.toBe(base);
    expect(dedupeKey('http://volunteers:4060/graphql', init(q))).not.toBe(base);
  });

  it('does not depend on header name case or order', () => {
    const a = dedupeKey(url, { method: 'POST', body: q, headers: { Authorization: 'Bearer a', 'X-Scope': 's' } });
    const b = dedupeKey(url, { method: 'POST', body: q, headers: { 'x-scope': 's', authorization: 'Bearer a' } });
    expect(a).toBe(b);
  });

  it('is undefined for mutations, non-POST requests and requests carrying an abort signal', () => {
    expect(dedupeKey(url, init(body('mutation{a}')))).toBeUndefined();
    expect(dedupeKey(url, { ...init(q), method: 'GET' })).toBeUndefined();
    expect(dedupeKey(url, { ...init(q), signal: new AbortController().signal })).toBeUndefined();
  });
});
