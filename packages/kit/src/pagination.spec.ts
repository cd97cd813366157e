import { caught } from '@commonhold/testing/src/caught';
import { encodeCursor, parsePage, toConnection } from './pagination';

const b64 = (s: string) => Buffer.from(s).toString('base64url');

describe('parsePage', () => {
  it.each<[string, { first?: number | null }, number]>([
    ['default when absent', {}, 20],
    ['default when null', { first: null }, 20],
    ['lower bound', { first: 1 }, 1],
    ['upper bound', { first: 100 }, 100],
    ['in between', { first: 37 }, 37],
  ])('limit: %s', (_name, args, limit) => {
    expect(parsePage(args)).toEqual({ limit, after: null });
  });

  it('honours custom max and default', () => {
    expect(parsePage({}, 10, 5).limit).toBe(5);
    expect(parsePage({ first: 10 }, 10, 5).limit).toBe(10);
    expect(caught(() => parsePage({ first: 11 }, 10, 5)).message).toBe('first must be between 1 and 10');
  });

  it.each([0, -1, 101, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses first = %p naming the field', (first) => {
    const err = caught(() => parsePage({ first }));
    expect(err.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it.each<[string, (string | number)[]]>([
    ['timestamp + uuid', ['2026-01-01T00:00:00.000Z', '6c1f0f6e-93f3-4c5d-9d0e-2d9a8e3e3f10']],
    ['numeric id', [42]],
  ])('decodes a cursor it issued (%s)', (_name, parts) => {
    expect(parsePage({ first: 5, after: encodeCursor(parts) })).toEqual({ limit: 5, after: parts });
  });

  it('treats an empty after as the first page', () => {
    expect(parsePage({ after: '' })).toEqual({ limit: 20, after: null });
  });

  it.each<[string, string]>([
    ['garbage', '!!!not-a-cursor***'],
    ['base64 of non-JSON', b64('hello')],
    ['an object', b64('{"id":1}')],
    ['a string', b64('"abc"')],
    ['a number', b64('7')],
    ['nested values', b64('[{"id":1}]')],
    ['null inside', b64('[null]')],
    ['booleans inside', b64('[true]')],
  ])('refuses a cursor that is %s', (_name, after) => {
    const err = caught(() => parsePage({ after }));
    expect(err.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(err.message).toBe('after is not a valid cursor');
  });
});

describe('toConnection', () => {
  const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];
  const cursorOf = (r: { id: number }) => [r.id];

  it('has a next page when it was given limit + 1 rows, and drops the extra row', () => {
    const c = toConnection(rows, 2, cursorOf);
    expect(c.edges.map((e) => e.node.id)).toEqual([1, 2]);
    expect(c.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: encodeCursor([1]), endCursor: encodeCursor([2]) });
  });

  it.each([3, 10])('has no next page when it got at most the limit (limit %d)', (limit) => {
    const c = toConnection(rows, limit, cursorOf);
    expect(c.edges).toHaveLength(3);
    expect(c.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: encodeCursor([1]), endCursor: encodeCursor([3]) });
  });

  it('has null cursors on an empty page, and a previous page when fetched after a cursor', () => {
    expect(toConnection([], 20, cursorOf)).toEqual({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } });
    expect(toConnection([], 20, cursorOf, true).pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
  });

  it('issues cursors that parsePage reads back', () => {
    const c = toConnection([{ id: 'a', at: '2026-01-01T00:00:00.000Z' }], 1, (r) => [r.at, r.id]);
    expect(c.edges[0]!.cursor).toBe(c.pageInfo.endCursor);
    expect(parsePage({ after: c.pageInfo.endCursor }).after).toEqual(['2026-01-01T00:00:00.000Z', 'a']);
  });
});
