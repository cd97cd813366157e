// The class's own file, not the `graphql` index (129 modules): errors are part of the domain entry.
// It is the same module the index re-exports, so `instanceof GraphQLError` holds everywhere.
import { GraphQLError, type GraphQLFormattedError } from 'graphql/error/GraphQLError';

/** The only codes a client ever sees in `extensions.code` (ARCHITECTURE §6). */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'IDEMPOTENCY_CONFLICT',
  'FEATURE_DISABLED',
  'RATE_LIMITED',
  // A subgraph the gateway could not reach (refused, reset, timed out, 502/503/504): retryable,
  // and a retry with the same idempotency key is safe (gateway/src/unavailable.ts).
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  RATE_LIMITED: 429,
};

/** A typed, client-safe error. `field` names the offending input path (e.g. `input.amount.currency`). */
export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, opts: { field?: string; details?: Record<string, unknown> } = {}) {
    const status = HTTP_STATUS[code];
    super(message, {
      extensions: {
        code,
        ...(opts.field ? { field: opts.field } : {}),
        ...(opts.details ?? {}),
        ...(status ? { http: { status } } : {}),
      },
    });
  }
}

export const badInput = (field: string, message: string) => new AppError('BAD_USER_INPUT', message, { field });
export const notFound = (field: string, message: string) => new AppError('NOT_FOUND', message, { field });
export const unauthenticated = (message = 'A valid bearer token is required') => new AppError('UNAUTHENTICATED', message);
export const forbidden = (message: string) => new AppError('FORBIDDEN', message);

/**
 * GraphQL's variable coercion errors name the offending path only in their message
 * (`Variable "$input" got invalid value … at "input.amount"; Field "currency" of required type …`);
 * lift it into `extensions.field` so clients get it the same way as our own input errors.
 */
export function fieldFromCoercionMessage(message: string): string | undefined {
  const variable = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)" got invalid value/.exec(message)?.[1];
  if (!variable) return undefined;
  const base = /got invalid value .*? at "([^"]+)";/.exec(message)?.[1] ?? variable;
  const child = /; Field "([A-Za-z_][A-Za-z0-9_]*)" (?:of required type .* was not provided|is not defined by type)/.exec(message)?.[1];
  return child ? `${base}.${child}` : base;
}

/**
 * graphql-armor and graphql-js label limit refusals "Syntax Error: …" (the document parsed fine);
 * a client is told what it is: a limit.
 */
export function limitMessage(message: string): string {
  const m = /^Syntax Error: (.*(?:limit of \d+ exceeded|contains more than \d+ tokens).*)$/s.exec(message);
  return m ? m[1]! : message;
}

function codeOf(err: unknown): string | undefined {
  const ext = (err as { extensions?: { code?: unknown } } | undefined)?.extensions;
  return typeof ext?.code === 'string' ? ext.code : undefined;
}

/**
 * Apollo `formatError`: known codes pass through without stack traces; GraphQL validation and
 * parse errors become BAD_USER_INPUT; anything else is an INTERNAL error with a generic message
 * (the original is logged by the caller, never sent).
 */
export function formatError(formatted: GraphQLFormattedError, original: unknown): GraphQLFormattedError {
  const code = codeOf(formatted) ?? codeOf((original as { originalError?: unknown })?.originalError);
  const { stacktrace: _s, http: _h, ...ext } = (formatted.extensions ?? {}) as Record<string, unknown>;
  if (code && (ERROR_CODES as readonly string[]).includes(code)) {
    const field = code === 'BAD_USER_INPUT' ? fieldFromCoercionMessage(formatted.message) : undefined;
    return { ...formatted, extensions: { ...ext, code, ...(field ? { field } : {}) } };
  }
  if (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED' || code === 'BAD_REQUEST' ||
      code === 'PERSISTED_QUERY_NOT_FOUND' || code === 'OPERATION_RESOLUTION_FAILURE') {
    return { message: limitMessage(formatted.message), locations: formatted.locations, extensions: { code: 'BAD_USER_INPUT', reason: code } };
  }
  if (code === 'DOWNSTREAM_SERVICE_ERROR') return { ...formatted, extensions: { ...ext, code: 'INTERNAL' } };
  return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL' } };
}
