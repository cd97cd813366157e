import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
    // graphql-js prefixes this with the variable path; formatError lifts that path into `field`.
    throw new GraphQLError(`Expected an ISO 8601 instant with a time zone (e.g. 2026-11-22T10:15:00Z), got ${JSON.stringify(value)}`);
  }
  return new Date(value);
}

/** UTC instants in, ISO strings out. A value without a zone is refused rather than guessed. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize: (v) => (v instanceof Date ? v : new Date(v as string)).toISOString(),
  parseValue: parseInstant,
  parseLiteral: (ast) => parseInstant(ast.kind === Kind.STRING ? ast.value : undefined),
});
