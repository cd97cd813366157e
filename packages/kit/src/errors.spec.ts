import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, badInput, ERROR_CODES, formatError, unauthenticated } from './errors';

/** What Apollo hands formatError: the formatted JSON plus the original (wrapped) error. */
function apolloPair(message: string, extensions: Record<string, unknown>, originalError?: unknown): [GraphQLFormattedError, unknown] {
  const err = new GraphQLError(message, { extensions, ...(originalError instanceof Error ? { originalError } : {}) });
  return [{ message, locations: [{ line: 1, column: 3 }], path: ['contact'], extensions }, err];
}

describe('formatError', () => {
  it.each(ERROR_CODES.filter((c) => c !== 'INTERNAL'))('passes %s through with its message and without a stack trace', (code) => {
    const [formatted, original] = apolloPair(`boom ${code}`, { code, stacktrace: ['Error: boom', '    at x.ts:1'], http: { status: 418 } });
    const out = formatError(formatted, original);
    expect(out.message).toBe(`boom ${code}`);
    expect(out.path).toEqual(['contact']);
    expect(out.extensions).toEqual({ code });
  });

  it('keeps extra extensions such as field and details on known codes', () => {
    const err = new AppError('IDEMPOTENCY_CONFLICT', 'reused key', { field: 'input.idempotencyKey', details: { operation: 'recordGift' } });
    const out = formatError({ message: err.message, extensions: { ...err.extensions, stacktrace: ['x'] } }, err);
    expect(out.extensions).toEqual({ code: 'IDEMPOTENCY_CONFLICT', field: 'input.idempotencyKey', operation: 'recordGift' });
  });

  it('takes the code from the original error when the formatted one lacks it', () => {
    const app = badInput('input.amount', 'bad amount');
    const out = formatError({ message: 'bad amount', extensions: {} }, { originalError: app });
    expect(out).toEqual({ message: 'bad amount', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it.each<[string, Record<string, unknown> | undefined]>([
    ['Apollo default code', { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['Error: password=hunter2'] }],
    ['no extensions at all', undefined],
    ['an invented code', { code: 'SOMETHING_ELSE' }],
    ['a non-string code', { code: 42 }],
  ])('turns an unknown error (%s) into INTERNAL with a generic message', (_name, extensions) => {
    const formatted: GraphQLFormattedError = { message: 'connect ECONNREFUSED 10.0.0.7:5432 (password=hunter2)', path: ['gift'], ...(extensions ? { extensions } : {}) };
    const out = formatError(formatted, new Error(formatted.message));
    expect(out).toEqual({ message: 'Internal server error', path: ['gift'], extensions: { code: 'INTERNAL' } });
  });

  it.each(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE'])(
    'maps %s to BAD_USER_INPUT and keeps the reason',
    (code) => {
      const [formatted, original] = apolloPair('Cannot query field "nope" on type "Query".', { code, stacktrace: ['GraphQLError: ...'] });
      const out = formatError(formatted, original);
      expect(out).toEqual({ message: 'Cannot query field "nope" on type "Query".', locations: [{ line: 1, column: 3 }], extensions: { code: 'BAD_USER_INPUT', reason: code } });
    },
  );

  it('maps DOWNSTREAM_SERVICE_ERROR to INTERNAL', () => {
    const [formatted, original] = apolloPair('subgraph failed', { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'fundraising' });
    expect(formatError(formatted, original).extensions?.code).toBe('INTERNAL');
  });

  it.each<[string, string]>([
    ['Variable "$input" got invalid value 12.5 at "input.amount.amountMinor"; Int cannot represent non-integer value: 12.5', 'input.amount.amountMinor'],
    ['Variable "$input" got invalid value "2026-01-01" at "input.receivedAt"; Expected an ISO 8601 instant with a time zone', 'input.receivedAt'],
    // the offending value itself contains ` at "`: the path is still the last quoted location
    ['Variable "$input" got invalid value "meet at \\"noon\\"" at "input.firstName"; String too long', 'input.firstName'],
  ])('lifts the path of a variable coercion error into extensions.field: %s', (message, field) => {
    const [formatted, original] = apolloPair(message, { code: 'BAD_USER_INPUT', stacktrace: ['x'] });
    const out = formatError(formatted, original);
    expect(out.message).toBe(message);
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
  });

  it('does not override a field the error already names', () => {
    const [formatted, original] = apolloPair('Variable "$input" got invalid value 1 at "input.a"; no', { code: 'BAD_USER_INPUT', field: 'input.b' });
    expect(formatError(formatted, original).extensions?.field).toBe('input.b');
  });

  it('adds no field when the coercion message has no path', () => {
    const [formatted, original] = apolloPair('Variable "$input" of required type "CreateContactInput!" was not provided.', { code: 'BAD_USER_INPUT' });
    expect(formatError(formatted, original).extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  it('only lifts a field for BAD_USER_INPUT', () => {
    const [formatted, original] = apolloPair('Variable "$input" got invalid value 1 at "input.a"; no', { code: 'CONFLICT' });
    expect(formatError(formatted, original).extensions).toEqual({ code: 'CONFLICT' });
  });
});

describe('AppError', () => {
  it.each<[AppError, Record<string, unknown>]>([
    [unauthenticated(), { code: 'UNAUTHENTICATED', http: { status: 401 } }],
    [new AppError('RATE_LIMITED', 'slow down', { details: { retryAfterSeconds: 3 } }), { code: 'RATE_LIMITED', retryAfterSeconds: 3, http: { status: 429 } }],
    [badInput('input.email', 'bad'), { code: 'BAD_USER_INPUT', field: 'input.email' }],
  ])('carries code, field, details and HTTP status in extensions (%#)', (err, extensions) => {
    expect(err).toBeInstanceOf(GraphQLError);
    expect(err.extensions).toEqual(extensions);
  });
});
