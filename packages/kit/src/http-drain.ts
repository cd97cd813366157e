import type http from 'node:http';
import type { Socket } from 'node:net';

export interface DrainOptions {
  /**
   * How long to keep serving after readiness turned false, so load balancers and kube-proxy stop
   * sending new connections before the listener closes (default: 5 s in production, else 0).
   */
  graceMs: number;
  /** Longest wait for in-flight requests after the grace period; then sockets are destroyed (default 25 s). */
  timeoutMs: number;
}

/** DRAIN_GRACE_MS / DRAIN_TIMEOUT_MS, with the defaults above. */
export function drainOptionsFromEnv(env: Record<string, string | undefined> = process.env, production = env.NODE_ENV === 'production'): DrainOptions {
  const num = (v: string | undefined, dflt: number) => {
    if (v === undefined || v === '') return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`Invalid drain setting ${JSON.stringify(v)}: a number of milliseconds ≥ 0`);
    return n;
  };
  return { graceMs: num(env.DRAIN_GRACE_MS, production ? 5000 : 0), timeoutMs: num(env.DRAIN_TIMEOUT_MS, 25_000) };
}

/**
 * Graceful termination for one HTTP server (gateway and every subgraph; ADR 0006):
 *  1. `drain()` flips `draining` (the owner's /ready answers 503 from then on);
 *  2. for `graceMs` it keeps accepting and serving, but every response says `Connection: close`,
 *     so keep-alive clients finish their current request and reconnect elsewhere instead of
 *     reusing a socket that is about to close;
 *  3. then it stops listening, closes the sockets with no request in flight, and closes each busy
 *     socket as soon as its last response is written;
 *  4. resolves when no socket is left (after `timeoutMs` the rest are destroyed).
 * Create it right after `http.createServer` so it sees every connection.
 */
export class HttpDrain {
  private readonly inFlight = new Map<Socket, number>();
  private state: 'serving' | 'draining' | 'closing' | 'closed' = 'serving';
  private done?: Promise<void>;

  constructor(
    private readonly server: http.Server,
    private readonly opts: DrainOptions,
  ) {
    server.on('connection', (socket: Socket) => {
      this.inFlight.set(socket, 0);
      socket.once('close', () => this.inFlight.delete(socket));
    });
    // Prepended: runs before Express, so the header is in place whatever the route does.
    server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const socket = req.socket;
      this.inFlight.set(socket, (this.inFlight.get(socket) ?? 0) + 1);
      if (this.state !== 'serving') res.setHeader('connection', 'close');
      let counted = true;
      const finished = () => {
        if (!counted) return;
        counted = false;
        const left = (this.inFlight.get(socket) ?? 1) - 1;
        if (this.inFlight.has(socket)) this.inFlight.set(socket, left);
        // A response begun before the drain kept the connection open: end it once it is idle.
        if (this.state === 'closing' && left === 0) socket.end();
      };
      res.once('finish', finished);
      res.once('close', finished);
    });
  }

  /** True from the moment `drain()` is called: readiness must fail. */
  get draining(): boolean {
    return this.state !== 'serving';
  }

  /** Requests currently being served (for tests and logs). */
  get activeRequests(): number {
    let n = 0;
    for (const v of this.inFlight.values()) n += v;
    return n;
  }

  drain(): Promise<void> {
    this.done ??= this.run();
    return this.done;
  }

  private async run(): Promise<void> {
    this.state = 'draining';
    if (this.opts.graceMs > 0) await new Promise((r) => setTimeout(r, this.opts.graceMs));
    this.state = 'closing';
    const closed = new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
    for (const [socket, n] of this.inFlight) if (n === 0) socket.end();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.opts.timeoutMs)));
    const empty = (async () => {
      while (this.inFlight.size > 0) await new Promise((r) => setTimeout(r, 20));
    })();
    const outcome = await Promise.race([Promise.all([closed, empty]), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') for (const socket of this.inFlight.keys()) socket.destroy();
    this.state = 'closed';
  }
}
