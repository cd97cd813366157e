// The gateway's subgraph data source: Apollo's RemoteGraphQLDataSource with the caller's identity,
// request id and trace context forwarded, and a lean send path (no node-fetch Request per fetch,
// the reply held in memory as a SubgraphReply). Everything else — building the request, APQ,
// error mapping, cache-control hints — stays Apollo's own code, and assertApolloInternals() makes
// the gateway refuse to start if the pieces the lean path stands in for have changed.
import { createHash } from 'node:crypto';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { trace } from '@opentelemetry/api';
import type { Principal } from '@commonhold/kit';
import { traceparentFor } from './rules';
import type { SubgraphSend } from './subgraph-fetch';

export interface GatewayContext {
  principal: Principal;
  authorization: string;
  requestId: string;
  traceparent: string;
}

type GatewayRequest = GraphQLDataSourceProcessOptions['request'];
type GatewayResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/**
 * SHA-256 of the @apollo/gateway methods the lean path depends on (their source text, whitespace
 * collapsed), as in @apollo/gateway 2.14.4. `sendRequest` is the one replaced: leanSendRequest
 * below must do what it does. `process` builds `request.http` (a method, the URL, a headers
 * iterable) and calls `sendRequest`; `respond` reads `response.http.headers.get('cache-control')`;
 * `parseBody` and `errorFromResponse` read `headers.get`, `json()`, `text()`, `url`, `status`,
 * `statusText` of the reply; `didEncounterError` rethrows. If an upgrade changes any of them,
 * re-read it, bring leanSendRequest and SubgraphReply in line, and update the hash here.
 */
export const APOLLO_INTERNALS: Readonly<Record<string, string>> = {
  process: '3ee8082b3c38d905f10b3ba533f96e3196fe0ca7263b1303565e2b0a2004e7fb',
  sendRequest: '4149e17dcebb0dedf5d71ae2d1089e0706ff69f095fb24e8766f0572808cd58b',
  respond: '2a7fbef5661c362786d464ae3c536bc7edfb52e3acd73707eb6f3ddc776bf796',
  parseBody: '727054d2fabd071af4f732be21b44f10baacf265a4d181d765568f35e8b5f0a2',
  errorFromResponse: '8a79a70f372b7eaa1534bd6df3e5cf7a92d04b2a6954f530274cccda552bc886',
  didEncounterError: 'b2725671bd2cb685a45ca4197c3e008283ba4a4fed9180dceca2b6248ee8d600',
};

/** The fingerprint APOLLO_INTERNALS pins for one method's source. */
export function fingerprint(fn: unknown): string | undefined {
  return typeof fn === 'function' ? createHash('sha256').update(Function.prototype.toString.call(fn).replace(/\s+/g, ' ')).digest('hex') : undefined;
}

/**
 * Throws (the gateway does not start) unless RemoteGraphQLDataSource's methods the lean send path
 * relies on are exactly the ones it was written against.
 */
export function assertApolloInternals(proto: object = RemoteGraphQLDataSource.prototype): void {
  const changed = Object.entries(APOLLO_INTERNALS)
    .filter(([name, hash]) => fingerprint((proto as Record<string, unknown>)[name]) !== hash)
    .map(([name]) => name);
  if (changed.length)
    throw new Error(
      `@apollo/gateway's RemoteGraphQLDataSource changed (${changed.join(', ')}): the gateway's lean subgraph send path ` +
        `(gateway/src/data-source.ts) stands in for its sendRequest. Re-read those methods, bring leanSendRequest and ` +
        `SubgraphReply in line, then update APOLLO_INTERNALS.`,
    );
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== undefined && v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Apollo's sendRequest (2.14.4) without the node-fetch `Request` it builds only to hand to hooks
 * this gateway does not override: the same body (the request minus `http`, as JSON), the same
 * headers (Apollo's `Headers`, lower-cased), the same checks and the same error path.
 */
async function leanSendRequest(this: ForwardingDataSource, request: GatewayRequest, context: GatewayContext): Promise<GatewayResponse> {
  if (!request.http) throw new Error("Internal error: Only 'http' requests are supported.");
  const { http, ...requestWithoutHttp } = request;
  const headers: Record<string, string> = {};
  for (const [name, value] of http.headers) headers[name] = value;
  const init = { method: http.method, headers, body: JSON.stringify(requestWithoutHttp) };
  let reply: Awaited<ReturnType<SubgraphSend>> | undefined;
  try {
    reply = await this.send(http.url!, init);
    if (!reply.ok) throw await this.errorFromResponse(reply as never);
    const body = await this.parseBody(reply as never);
    if (!isObject(body)) throw new Error(`Expected JSON response body, but received: ${String(body)}`);
    return { ...body, http: reply } as unknown as GatewayResponse;
  } catch (error) {
    this.didEncounterError(error as Error, undefined as never, reply as never, context, request);
    throw error;
  }
}

/** Forwards the caller's identity, request id and W3C trace context to every subgraph fetch. */
export class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  /** Sends the request (subgraph-fetch.ts, or dedupe.ts around it); set through the constructor's config. */
  send: SubgraphSend;

  constructor(config: { url?: string; send: SubgraphSend }) {
    super({ url: config.url });
    this.send = config.send;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!('authorization' in context)) return; // the gateway's own health/introspection calls
    request.http?.headers.set('authorization', context.authorization);
    request.http?.headers.set('x-request-id', context.requestId);
    // The fetch's own span (@apollo/gateway's gateway.fetch) when telemetry runs, else the request's.
    const fetchSpan = trace.getActiveSpan()?.spanContext();
    request.http?.headers.set('traceparent', fetchSpan && trace.isSpanContextValid(fetchSpan) ? traceparentFor(fetchSpan, undefined, () => '') : context.traceparent);
  }
}
// sendRequest is private in Apollo's typings; it is replaced on the prototype (checked by assertApolloInternals).
Object.defineProperty(ForwardingDataSource.prototype, 'sendRequest', { value: leanSendRequest, writable: true, configurable: true });
