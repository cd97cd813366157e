import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '@commonhold/kit';

/**
 * A request budget per key (e.g. refreshes per client address, redemptions per link): `points`
 * requests per `durationSeconds`, in Redis when configured (shared by replicas), process memory
 * otherwise. Spent: RATE_LIMITED with `retryAfterSeconds` (the route answers 429 + Retry-After).
 */
export class RouteLimit {
  private readonly limiter: RateLimiterAbstract;

  constructor(
    private readonly name: string,
    opts: { redis?: Redis; keyPrefix: string; points: number; durationSeconds: number },
    private readonly onLimited?: (name: string) => void,
  ) {
    const o = { keyPrefix: `${opts.keyPrefix}:${name}`, points: opts.points, duration: opts.durationSeconds };
    this.limiter = opts.redis ? new RateLimiterRedis({ storeClient: opts.redis, ...o }) : new RateLimiterMemory(o);
  }

  /** Spends one point of `key`'s budget; throws RATE_LIMITED once it is spent. */
  async consume(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e; // the store failed: never silently unlimited
      this.onLimited?.(this.name);
      const retryAfterSeconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw new AppError('RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds}s`, { details: { retryAfterSeconds } });
    }
  }
}

/** One Redis connection for a module's limits (none in the embedded default). */
export const limitRedis = (url: string | undefined): Redis | undefined => (url ? new Redis(url, { enableOfflineQueue: true, maxRetriesPerRequest: 2 }) : undefined);
