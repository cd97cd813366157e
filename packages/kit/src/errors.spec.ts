import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, badInput, ERROR_CODES, fieldFromCoercionMessage, formatError, unauthenticated } from './errors';

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

  // Real graphql-js 16 coercion messages (what Apollo reports as BAD_USER_INPUT).
  it.each<[string, string]>([
    ['Variable "$input" got invalid value 12.5 at "input.amount.amountMinor"; Int cannot represent non-integer value: 12.5', 'input.amount.amountMinor'],
    ['Variable "$input" got invalid value "2026-01-01" at "input.receivedAt"; Expected an ISO 8601 instant with a time zone (e.g. 2026-11-22T10:15:00Z), got "2026-01-01"', 'input.receivedAt'],
    ['Variable "$input" got invalid value { amountMinor: 1 } at "input.amount"; Field "currency" of required type "String!" was not provided.', 'input.amount.currency'],
    ['Variable "$input" got invalid value { amountMinor: 1, currency: "GBP", extra: 1 } at "input.amount"; Field "extra" is not defined by type "MoneyInput".', 'input.amount.extra'],
    ['Variable "$input" got invalid value 3 at "input.tags[1]"; String cannot represent a non string value: 3', 'input.tags[1]'],
    ['Variable "$input" got invalid value 5; Expected type "CreateContactInput" to be an object.', 'input'],
    // the offending value itself contains ` at "…"`: graphql-js escapes its quotes, so the path still wins
    ['Variable "$input" got invalid value "meet at \\"noon\\";" at "input.firstName"; String cannot represent a non string value', 'input.firstName'],
  ])('lifts the path of a variable coercion error into extensions.field: %s', (message, field) => {
    expect(fieldFromCoercionMessage(message)).toBe(field);
    const [formatted, original] = apolloPair(message, { code: 'BAD_USER_INPUT', stacktrace: ['x'] });
    const out = formatError(formatted, original);
    expect(out.message).toBe(message);
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
  });

  it('prefers the coerced path over a field a scalar attached to its own error', () => {
    const [formatted, original] = apolloPair('Variable "$input" got invalid value "x" at "input.receivedAt"; Expected an ISO 8601 instant', { code: 'BAD_USER_INPUT', field: 'DateTime' });
    expect(formatError(formatted, original).extensions?.field).toBe('input.receivedAt');
  });

  it('keeps the field of our own input errors', () => {
    const err = badInput('input.email', 'email is not a valid email address');
    expect(formatError({ message: err.message, extensions: err.extensions }, err).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.email' });
  });

  it.each(['Variable "$input" of required type "CreateContactInput!" was not provided.', 'first must be between 1 and 100', 'Variable "$input" was bad'])(
    'finds no field in %p',
    (message) => {
      expect(fieldFromCoercionMessage(message)).toBeUndefined();
      const [formatted, original] = apolloPair(message, { code: 'BAD_USER_INPUT' });
      expect(formatError(formatted, original).extensions).toEqual({ code: 'BAD_USER_INPUT' });
    },
  );

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
