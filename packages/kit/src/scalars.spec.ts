import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { DateScalar, DateTimeScalar } from './scalars';

const literal = (value: string): ValueNode => ({ kind: Kind.STRING, value });

describe('DateTimeScalar', () => {
  it.each<[string, string]>([
    ['2026-11-22T10:15:00Z', '2026-11-22T10:15:00.000Z'],
    ['2026-11-22T10:15Z', '2026-11-22T10:15:00.000Z'],
    ['2026-11-22T10:15:00.123Z', '2026-11-22T10:15:00.123Z'],
    ['2026-11-22T10:15:00.123456789Z', '2026-11-22T10:15:00.123Z'],
    ['2026-11-22T11:15:00+01:00', '2026-11-22T10:15:00.000Z'],
    ['2026-11-22T05:15:00-05:00', '2026-11-22T10:15:00.000Z'],
    ['2026-11-22T00:30:00+05:30', '2026-11-21T19:00:00.000Z'],
  ])('parses %s as the instant %s', (input, iso) => {
    expect(DateTimeScalar.parseValue(input)).toEqual(new Date(iso));
    expect(DateTimeScalar.parseLiteral(literal(input), undefined)).toEqual(new Date(iso));
  });

  it.each<[string, unknown]>([
    ['no zone', '2026-11-22T10:15:00'],
    ['date only', '2026-11-22'],
    ['space instead of T', '2026-11-22 10:15:00Z'],
    ['lowercase z', '2026-11-22T10:15:00z'],
    ['offset without colon', '2026-11-22T10:15:00+0100'],
    ['garbage', 'yesterday'],
    ['empty', ''],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['hour 25', '2026-01-01T25:00:00Z'],
    ['minute 60', '2026-01-01T10:60:00Z'],
    ['epoch number', 1_763_800_000_000],
    ['null', null],
    ['object', { at: '2026-11-22T10:15:00Z' }],
  ])('refuses %s with a GraphQLError naming the value', (_name, value) => {
    // graphql-js wraps it (variable path or literal location); Apollo and formatError make it
    // BAD_USER_INPUT with `field` taken from that path, so the scalar sets no code of its own.
    let err: unknown;
    try {
      DateTimeScalar.parseValue(value);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GraphQLError);
    expect((err as GraphQLError).message).toBe(`Expected an ISO 8601 instant with a time zone (e.g. 2026-11-22T10:15:00Z), got ${JSON.stringify(value)}`);
  });

  // Regression: V8's Date.parse rolls impossible calendar dates over (30 Feb → 2 Mar) instead of refusing them.
  it.each(['2026-02-30T10:00:00Z', '2026-04-31T10:00:00Z', '2026-01-01T24:00:00Z'])('refuses the impossible date %s', (value) => {
    expect(() => DateTimeScalar.parseValue(value)).toThrow(GraphQLError);
  });

  it('refuses a non-string literal', () => {
    expect(() => DateTimeScalar.parseLiteral({ kind: Kind.INT, value: '1763800000000' }, undefined)).toThrow(/ISO 8601 instant/);
  });

  it.each<[unknown, string]>([
    [new Date('2026-11-22T11:15:00+01:00'), '2026-11-22T10:15:00.000Z'],
    ['2026-11-22T11:15:00+01:00', '2026-11-22T10:15:00.000Z'],
  ])('serialises %p as a UTC ISO string', (value, iso) => {
    expect(DateTimeScalar.serialize(value)).toBe(iso);
  });
});

describe('date ranges (no date here lies before 1900 or after 2999)', () => {
  it.each(['1899-12-31T23:59:59Z', '0026-05-01T10:00:00Z', '3000-01-01T00:00:00Z', '1900-01-01T00:30:00+01:00'])('refuses the instant %s', (value) => {
    expect(() => DateTimeScalar.parseValue(value)).toThrow(/between 1900-01-01 and 2999-12-31/);
  });
  it.each(['1900-01-01T00:00:00Z', '2999-12-31T23:59:59Z'])('accepts the instant %s', (value) => {
    expect(DateTimeScalar.parseValue(value)).toBeInstanceOf(Date);
  });
  it.each(['1899-12-31', '0202-01-01', '3000-01-01'])('refuses the date %s', (value) => {
    expect(() => DateScalar.parseValue(value)).toThrow(/between 1900-01-01 and 2999-12-31/);
  });
  it.each(['1900-01-01', '2999-12-31'])('accepts the date %s', (value) => {
    expect(DateScalar.parseValue(value)).toBe(value);
  });
});
