import { GraphQLError } from 'graphql';
import { fetchPaths, hasNoData, isSubgraphUnreachable } from '../src/unavailable';

describe('isSubgraphUnreachable', () => {
  const sys = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])('is true for a socket failure %s', (code) => {
    expect(isSubgraphUnreachable(sys(code))).toBe(true);
  });
  it('is true for a cause chain, a silent subgraph and a 502/503/504 in front of it', () => {
    expect(isSubgraphUnreachable(new Error('fetch failed', { cause: sys('ECONNREFUSED') }))).toBe(true);
    expect(isSubgraphUnreachable(new Error('subgraph 127.0.0.1:4010 timed out'))).toBe(true);
    expect(isSubgraphUnreachable(new Error('subgraph response from 127.0.0.1:4010 ended early'))).toBe(true);
    for (const status of [502, 503, 504]) expect(isSubgraphUnreachable(new GraphQLError(`${status}: x`, { extensions: { response: { status } } }))).toBe(true);
  });
  it('is false for answers and programming errors', () => {
    expect(isSubgraphUnreachable(new GraphQLError('500: x', { extensions: { response: { status: 500 } } }))).toBe(false);
    expect(isSubgraphUnreachable(new TypeError('x is not a function'))).toBe(false);
    expect(isSubgraphUnreachable(sys('EACCES'))).toBe(false);
    expect(isSubgraphUnreachable(undefined)).toBe(false);
  });
});

describe('fetchPaths', () => {
  it('names each root field by its response key', () => {
    expect(fetchPaths({ query: '{ a: contacts { id } gifts { id } __typename }' })).toEqual([['a'], ['gifts']]);
  });
  it('names each entity field per representation', () => {
    const query = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Contact{volunteerProfile{status} __typename}}}';
    expect(fetchPaths({ query, variables: { representations: [{}, {}] } })).toEqual([
      ['_entities', 0, 'volunteerProfile'],
      ['_entities', 1, 'volunteerProfile'],
    ]);
  });
  it('gives up on an unparsable document (one error without a path)', () => {
    expect(fetchPaths({ query: '{ nope' })).toEqual([]);
  });
});

describe('hasNoData', () => {
  it('is true without data or with every root field null, false otherwise', () => {
    expect(hasNoData({})).toBe(true);
    expect(hasNoData({ data: null })).toBe(true);
    expect(hasNoData({ data: { a: null, b: null } })).toBe(true);
    expect(hasNoData({ data: { a: null, b: { id: 1 } } })).toBe(false);
  });
});
