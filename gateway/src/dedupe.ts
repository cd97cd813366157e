/**
 * In-flight deduplication of subgraph fetches (as Hive Gateway and Apollo Router's
 * `traffic_shaping` do): while one request to a subgraph is on the wire, an identical one — same
 * URL, same body (operation text and variables), same headers apart from the ones that only carry
 * per-request bookkeeping — waits for that reply instead of sending its own. Nothing is cached:
 * the entry is gone as soon as the reply is in.
 *
 * Only queries are shared. The operation keyword is read from the body @apollo/gateway sends
 * (`{"query":"query …` / `{"query":"{…`); a mutation, a subscription or any body of another shape
 * is always sent as it is. Every header the gateway forwards is part of the key unless listed in
 * IGNORED_HEADERS, so a header added later (a cookie, a scope header) separates callers by default.
 * Each waiter gets its own `SubgraphReply` over the same bytes (never written to), and its own
 * JSON parse, so no caller can change another's data.
 */
import type { SubgraphReply, SubgraphRequestInit, SubgraphSend } from './subgraph-fetch';

/** Headers that differ per request without changing the answer: not part of the key. */
export const IGNORED_HEADERS: ReadonlySet<string> = new Set(['x-request-id', 'x-client-request-id', 'traceparent', 'tracestate', 'content-length']);

/** The dedupe key of a subgraph fetch, or undefined when it must be sent on its own. */
export function dedupeKey(url: string, init: SubgraphRequestInit | RequestInit | undefined): string | undefined {
  const method = init?.method ?? 'GET';
  const body = init?.body;
  if (method !== 'POST' || typeof body !== 'string' || init?.signal) return undefined;
  if (!isQueryBody(body)) return undefined;
  const headers = headerPairs(init?.headers);
  if (!headers) return undefined;
  let key = `${url}\n${body}`;
  for (const [k, v] of headers.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) if (!IGNORED_HEADERS.has(k)) key += `\n${k}:${v}`;
  return key;
}

/**
 * True only for a JSON body whose first member is `query` holding a query operation (keyword
 * `query` or the `{ … }` shorthand), as @apollo/gateway serializes every subgraph fetch. Leading
 * whitespace and commas are insignificant in GraphQL; a leading comment is not looked through.
 */
export function isQueryBody(body: string): boolean {
  const prefix = '{"query":"';
  if (!body.startsWith(prefix)) return false;
  let i = prefix.length;
  // JSON-escaped whitespace (\n, \t, \r) or plain spaces/commas before the first token.
  for (;;) {
    const c = body[i];
    if (c === ' ' || c === ',') i++;
    else if (c === '\\' && (body[i + 1] === 'n' || body[i + 1] === 't' || body[i + 1] === 'r')) i += 2;
    else break;
  }
  if (body[i] === '{') return true;
  if (!body.startsWith('query', i)) return false;
  const after = body[i + 5];
  return after !== undefined && !/[_0-9A-Za-z]/.test(after); // `query` itself, not `queryX…`
}

function headerPairs(h: SubgraphRequestInit['headers'] | RequestInit['headers']): [string, string][] | undefined {
  if (!h) return [];
  if (h instanceof Headers) return [...h];
  if (Array.isArray(h)) return h.map(([k, v]) => [k!.toLowerCase(), v!]);
  if (typeof h === 'object') return Object.entries(h as Record<string, string>).map(([k, v]) => [k.toLowerCase(), String(v)]);
  return undefined;
}

export interface DedupingFetch {
  fetch: SubgraphSend;
  /** Fetches on the wire that others are waiting on (0 when idle: nothing is kept). */
  inflight(): number;
}

/**
 * Wraps a subgraph sender so identical concurrent query fetches share one upstream request.
 * `onShared(url)` runs once per fetch that was served by another's request (for the metric).
 * The leader's reply is held in memory; every caller, leader included, gets its own clone.
 */
export function dedupingFetch(inner: SubgraphSend, onShared: (url: string) => void = () => undefined): DedupingFetch {
  const inflight = new Map<string, Promise<SubgraphReply>>();
  const wrapped: SubgraphSend = async (url, init) => {
    const key = dedupeKey(url, init);
    if (key === undefined) return inner(url, init);
    const pending = inflight.get(key);
    if (pending) {
      onShared(url);
      return (await pending).clone();
    }
    const leader = inner(url, init);
    inflight.set(key, leader);
    const forget = () => {
      if (inflight.get(key) === leader) inflight.delete(key);
    };
    leader.then(forget, forget);
    return (await leader).clone();
  };
  return { fetch: wrapped, inflight: () => inflight.size };
}
