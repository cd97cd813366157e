// A subgraph the gateway cannot reach is an error a client can act on: SERVICE_UNAVAILABLE on the
// paths that subgraph would have filled (retryable; a retry with the same idempotency key is safe,
// ARCHITECTURE §6), and HTTP 503 when nothing else could be answered.
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import { parse, type DocumentNode, type GraphQLFormattedError, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** Socket-level failures: the subgraph is down, restarting, unroutable or silent. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET']);
/** What a proxy or load balancer in front of a subgraph answers when the subgraph is not there. */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

/** Seconds a client should wait before retrying (the `Retry-After` of a 503). */
export const RETRY_AFTER_SECONDS = 1;

/**
 * True when a subgraph fetch failed because the subgraph could not be reached or answered — never
 * for an answer it gave (its GraphQL errors keep their own codes). Follows `cause` chains.
 */
export function isSubgraphUnreachable(err: unknown): boolean {
  for (let e = err as Record<string, any> | undefined, depth = 0; e && typeof e === 'object' && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string' && UNREACHABLE_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && /^subgraph .* (?:timed out|ended early)$|^subgraph response from .* ended early$/.test(e.message)) return true;
    const status = e.extensions?.response?.status;
    if (typeof status === 'number' && UNAVAILABLE_STATUSES.has(status)) return true;
  }
  return false;
}

type Request = GraphQLDataSourceProcessOptions['request'];

/**
 * The subgraph-relative paths a failed fetch would have filled, as a subgraph would name them in
 * its own errors: each root field's response key, or `_entities.<i>.<field>` for each
 * representation of an entity fetch. @apollo/gateway maps these onto the client's paths (entity paths included).
 */
export function fetchPaths(request: Request): (string | number)[][] {
  let document: DocumentNode | undefined;
  try {
    document = request.query ? parse(request.query) : undefined; // only on this failure path
  } catch {
    return [];
  }
  const op = document?.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  const fieldsOf = (set: SelectionSetNode | undefined): string[] => [
    ...new Set(
      (set?.selections ?? []).flatMap((s) =>
        s.kind === 'Field' ? (s.name.value === '__typename' ? [] : [s.alias?.value ?? s.name.value]) : s.kind === 'InlineFragment' ? fieldsOf(s.selectionSet) : [],
      ),
    ),
  ];
  const roots = op?.selectionSet.selections ?? [];
  const first = roots[0];
  const entities = roots.length === 1 && first?.kind === 'Field' && first.name.value === '_entities' ? first : undefined;
  if (!entities) return fieldsOf(op?.selectionSet).map((k) => [k]);
  // An entity fetch: each representation's fields, as `_entities.<i>.<field>` (the gateway maps
  // the index back to where that entity sits in the client's response).
  const reps = request.variables?.representations;
  const fields = fieldsOf(entities.selectionSet);
  if (!Array.isArray(reps) || !reps.length) return [['_entities']];
  return reps.flatMap((_r, i) => (fields.length ? fields.map((f) => ['_entities', i, f]) : [['_entities', i]]));
}

export function unavailableError(serviceName: string, path?: (string | number)[]): GraphQLFormattedError {
  return {
    message: `The ${serviceName} service is unavailable; retry the request (with the same idempotency key for a mutation)`,
    ...(path ? { path } : {}),
    extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
  };
}

/**
 * Wraps a subgraph data source so an unreachable subgraph answers like one that failed every field
 * it was asked for: a GraphQL response with SERVICE_UNAVAILABLE errors on those paths and no data.
 * The gateway then nulls exactly those fields (partial data where other subgraphs answered).
 */
export function reportUnavailable<S extends GraphQLDataSource<any>>(source: S, serviceName: string, onUnreachable?: (err: unknown) => void): S {
  const process = source.process.bind(source);
  source.process = (async (options: GraphQLDataSourceProcessOptions<any>) => {
    try {
      return await process(options);
    } catch (err) {
      if (!isSubgraphUnreachable(err)) throw err;
      onUnreachable?.(err);
      const paths = fetchPaths(options.request);
      return { errors: paths.length ? paths.map((p) => unavailableError(serviceName, p)) : [unavailableError(serviceName)] };
    }
  }) as S['process'];
  return source;
}

/** No data at all: `data` absent or null, or every root field null. */
export function hasNoData(result: { data?: Record<string, unknown> | null }): boolean {
  const data = result.data;
  return data == null || Object.values(data).every((v) => v == null);
}

/**
 * HTTP 503 with `Retry-After` when a response carries SERVICE_UNAVAILABLE and no data; partial
 * data stays 200 with the error on the failing path (GraphQL over HTTP).
 */
export function unavailableStatusPlugin<C extends object>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (!result.errors?.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE') || !hasNoData(result)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}
