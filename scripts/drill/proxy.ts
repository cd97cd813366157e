import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Target = 'stable' | 'canary';

/**
 * The drill's stand-in for Argo's traffic split: a node:http reverse proxy that sends `weight`% of
 * requests to the canary and the rest to stable. The split is deterministic (a credit counter, not
 * a coin flip) so a 10 % step really is 10 % even over a few hundred requests. Every response carries
 * `x-drill-target` so the client can count outcomes per side.
 */
export class WeightedProxy {
  private weight = 0;
  private credit = 0;
  private server: http.Server | undefined;
  private readonly agents = { stable: new http.Agent({ keepAlive: true, maxSockets: 256 }), canary: new http.Agent({ keepAlive: true, maxSockets: 256 }) };
  readonly forwarded = { stable: 0, canary: 0 };
  readonly upstreamErrors = { stable: 0, canary: 0 };

  constructor(private readonly upstreams: Record<Target, { host: string; port: number }>) {}

  setWeight(percent: number): void {
    if (!Number.isFinite(percent) || percent < 0 || percent > 100) throw new Error(`weight must be 0..100, got ${percent}`);
    this.weight = percent;
    this.credit = 0;
  }

  getWeight(): number {
    return this.weight;
  }

  pick(): Target {
    this.credit += this.weight / 100;
    if (this.credit >= 1 - 1e-9) {
      this.credit -= 1;
      return 'canary';
    }
    return 'stable';
  }

  async listen(): Promise<number> {
    this.server = http.createServer((req, res) => {
      const target = this.pick();
      this.forwarded[target]++;
      const up = this.upstreams[target];
      const preq = http.request(
        { host: up.host, port: up.port, method: req.method, path: req.url, headers: req.headers, agent: this.agents[target] },
        (pres) => {
          res.writeHead(pres.statusCode ?? 502, { ...pres.headers, 'x-drill-target': target });
          pres.pipe(res);
        },
      );
      preq.on('error', (err) => {
        this.upstreamErrors[target]++;
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json', 'x-drill-target': target });
        res.end(JSON.stringify({ errors: [{ message: `drill proxy: ${target} upstream failed: ${err.message}` }] }));
      });
      req.pipe(preq);
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.agents.stable.destroy();
    this.agents.canary.destroy();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
