import http from 'node:http';
import https from 'node:https';

/** What the gateway sends a subgraph: @apollo/gateway's method, headers and string body (see data-source.ts). */
export interface SubgraphRequestInit {
  method?: string;
  headers?: Record<string, string> | Headers | [string, string][];
  body?: string | Uint8Array | null;
  signal?: AbortSignal | null;
}

/** Sends one request to a subgraph and resolves with its whole reply. */
export type SubgraphSend = (url: string, init?: SubgraphRequestInit) => Promise<SubgraphReply>;

/**
 * A subgraph's response headers: lower-cased names, repeated headers joined with ", " (as the
 * WHATWG `Headers.get` answers). Each reply (each deduplicated waiter's clone) has its own, so a
 * hook that changes one changes no other caller's.
 */
export class ReplyHeaders implements Iterable<[string, string]> {
  private constructor(private readonly map: Map<string, string>) {}

  /** From `IncomingMessage.rawHeaders` (name, value, name, value, …). */
  static fromRaw(raw: readonly string[]): ReplyHeaders {
    const map = new Map<string, string>();
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      const prev = map.get(name);
      map.set(name, prev === undefined ? raw[i + 1]! : `${prev}, ${raw[i + 1]!}`);
    }
    return new ReplyHeaders(map);
  }

  static from(entries: Iterable<[string, string]>): ReplyHeaders {
    const raw: string[] = [];
    for (const [k, v] of entries) raw.push(k, v);
    return ReplyHeaders.fromRaw(raw);
  }

  /** An independent copy. */
  copy(): ReplyHeaders {
    return new ReplyHeaders(new Map(this.map));
  }

  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), String(value));
  }
  append(name: string, value: string): void {
    const k = name.toLowerCase();
    const prev = this.map.get(k);
    this.map.set(k, prev === undefined ? String(value) : `${prev}, ${value}`);
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  forEach(cb: (value: string, name: string) => void): void {
    this.map.forEach((v, k) => cb(v, k));
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}

/**
 * A subgraph's reply held in memory: exactly what @apollo/gateway's RemoteGraphQLDataSource reads
 * from a fetch response (`ok`, `status`, `statusText`, `url`, `headers.get`, `json()`, `text()`),
 * without a WHATWG/node-fetch `Response` and its streams per fetch. The bytes are never written to,
 * so the deduplicated waiters' `clone()`s share them; each `json()` is its own parse, so no caller
 * can change another's data.
 */
export class SubgraphReply {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: ReplyHeaders,
    private readonly bytes: Buffer | null,
    readonly url: string,
  ) {}

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  /** The body as text (UTF-8, a leading BOM dropped, as `Response.text()` decodes). */
  async text(): Promise<string> {
    return this.textNow();
  }

  /** A fresh parse of the body on every call; rejects like `Response.json()` on a body that is not JSON. */
  async json(): Promise<unknown> {
    return JSON.parse(this.textNow());
  }

  /** A copy of the bytes (the shared buffer is never handed out). */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.bytes ?? Buffer.alloc(0);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }

  /** Another reply over the same bytes, with its own headers (for a deduplicated waiter). */
  clone(): SubgraphReply {
    return new SubgraphReply(this.status, this.statusText, this.headers.copy(), this.bytes, this.url);
  }

  private textNow(): string {
    if (!this.bytes) return '';
    const s = this.bytes.toString('utf8');
    return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
  }
}

const headerRecord = (h: SubgraphRequestInit['headers']): Record<string, string> =>
  !h ? {} : h instanceof Headers ? Object.fromEntries(h) : Array.isArray(h) ? Object.fromEntries(h) : { ...h };

/**
 * The gateway's subgraph fetcher: `node:http`/`node:https` with keep-alive agents (a pool of
 * connections per subgraph origin) answering a `SubgraphReply` — no WHATWG `Request`/`Response`
 * per fetch (docs/performance/gateway.md). A subgraph's non-2xx reply carrying a GraphQL `errors`
 * body (a variable failing its scalar's coercion → 400, a disabled feature raised while building
 * context → 500) is passed on as the GraphQL response it is (status 200), so its typed error and
 * field reach the client instead of an opaque downstream failure. Takes what the data source
 * passes: a URL, method, headers, a string body (and an abort signal when a caller has one).
 */
export const subgraphFetch: SubgraphSend = (() => {
  // Up to 64 concurrent requests per subgraph origin per gateway process; more wait for a socket.
  const agentOpts = { keepAlive: true, maxSockets: 64, maxFreeSockets: 64 };
  const agents = { http: new http.Agent(agentOpts), https: new https.Agent(agentOpts) };

  return (input, init) =>
    new Promise<SubgraphReply>((resolve, reject) => {
      const url = new URL(input);
      const body = init?.body;
      if (body != null && typeof body !== 'string' && !(body instanceof Uint8Array)) return reject(new TypeError('subgraphFetch: only string or byte bodies'));
      const signal = init?.signal;
      if (signal?.aborted) return reject(signal.reason);
      const headers: Record<string, string | number> = headerRecord(init?.headers);
      if (body != null) headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
      const secure = url.protocol === 'https:';
      const req = (secure ? https : http).request(
        {
          agent: secure ? agents.https : agents.http,
          hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method: init?.method ?? 'GET',
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('close', () => {
            if (!res.complete) reject(new Error(`subgraph response from ${url.host} ended early`));
          });
          res.on('end', () => {
            let status = res.statusCode ?? 502;
            // What a WHATWG Response refuses, this refuses too.
            if (status < 200 || status > 599) return reject(new RangeError(`subgraph ${url.host} answered status ${status}`));
            const h = ReplyHeaders.fromRaw(res.rawHeaders);
            // A copy (from Buffer's shared pool when small) rather than the socket read's own buffer,
            // which the reply would otherwise keep alive for as long as the request runs.
            const buf = Buffer.concat(chunks);
            if ((status < 200 || status > 299) && h.get('content-type')?.includes('json')) {
              try {
                const parsed = JSON.parse(buf.toString('utf8')) as { errors?: unknown };
                if (Array.isArray(parsed.errors) && parsed.errors.length) status = 200;
              } catch {
                // not JSON after all: keep the original status
              }
            }
            const nullBody = status === 204 || status === 205 || status === 304;
            resolve(new SubgraphReply(status, status === res.statusCode ? (res.statusMessage ?? '') : '', h, nullBody ? null : buf, url.href));
          });
        },
      );
      // Like undici's default headers/body timeouts: a subgraph silent for 5 minutes fails the call.
      req.setTimeout(300_000, () => req.destroy(new Error(`subgraph ${url.host} timed out`)));
      req.on('error', reject);
      if (signal) {
        const onAbort = () => req.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        signal.addEventListener('abort', onAbort, { once: true });
        req.on('close', () => signal.removeEventListener('abort', onAbort));
      }
      req.end(body ?? undefined);
    });
})();
