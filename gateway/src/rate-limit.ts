import type { Response } from 'express';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '@commonhold/kit';

export interface RateLimitOptions {
  /** Redis when set (limits shared by every gateway replica), process memory otherwise. */
  redisUrl?: string;
  tenantPoints?: number;
  tenantDurationSeconds?: number;
  ipPoints?: number;
  ipDurationSeconds?: number;
  /** Per user (tenant:user) budget, under the tenant's: one user cannot spend a whole tenant's. Default: the tenant's. */
  userPoints?: number;
  userDurationSeconds?: number;
  keyPrefix?: string;
  /** Requests per source address per webhook endpoint (`/webhooks/<provider>`) per minute. Default 600. */
  webhookPoints?: number;
  webhookDurationSeconds?: number;
  /** Called with the budget's name each time a request is refused (metrics: rate-limited requests by route). */
  onLimited?: (what: 'address' | 'tenant' | 'user' | 'webhook') => void;
}

export interface RateLimits {
  store: 'redis' | 'memory';
  consumeIp(ip: string, res?: Response): Promise<void>;
  consumeTenant(tenantId: string, res?: Response): Promise<void>;
  consumeUser(key: string, res?: Response): Promise<void>;
  /** A provider's webhook endpoint: `endpoint:ip` (a flood from one source cannot starve the other providers). */
  consumeWebhook(key: string, res?: Response): Promise<void>;
  close(): Promise<void>;
}

/** Per-tenant, per-user and per-IP request budgets; an exhausted budget answers RATE_LIMITED (HTTP 429). */
export function createRateLimits(opts: RateLimitOptions): RateLimits {
  const prefix = opts.keyPrefix ?? 'commonhold:rl';
  const redis = opts.redisUrl ? new Redis(opts.redisUrl, { enableOfflineQueue: true, maxRetriesPerRequest: 2, lazyConnect: false }) : undefined;
  const make = (name: string, points: number, duration: number): RateLimiterAbstract =>
    redis
      ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:${name}`, points, duration })
      : new RateLimiterMemory({ keyPrefix: `${prefix}:${name}`, points, duration });
  const tenant = make('tenant', opts.tenantPoints ?? 6000, opts.tenantDurationSeconds ?? 60);
  const ip = make('ip', opts.ipPoints ?? 3000, opts.ipDurationSeconds ?? 60);
  const tenantPoints = opts.tenantPoints ?? 6000;
  // Unset: no separate per-user budget (the tenant's applies); the deployed gateway sets one (config.ts).
  const user = opts.userPoints ? make('user', Math.min(opts.userPoints, tenantPoints), opts.userDurationSeconds ?? opts.tenantDurationSeconds ?? 60) : undefined;

  const webhook = make('webhook', opts.webhookPoints ?? 600, opts.webhookDurationSeconds ?? 60);

  const consume = async (limiter: RateLimiterAbstract, key: string, what: 'address' | 'tenant' | 'user' | 'webhook', res?: Response) => {
    try {
      await limiter.consume(key);
    } catch (rej) {
      if (rej instanceof RateLimiterRes) {
        const retryAfter = Math.max(1, Math.ceil(rej.msBeforeNext / 1000));
        res?.setHeader('Retry-After', String(retryAfter));
        opts.onLimited?.(what);
        throw new AppError('RATE_LIMITED', `Too many requests for this ${what}; retry in ${retryAfter}s`, { details: { retryAfterSeconds: retryAfter } });
      }
      throw rej; // the store failed: surface it rather than silently disabling limits
    }
  };
  return {
    store: redis ? 'redis' : 'memory',
    consumeIp: (key, res) => consume(ip, key, 'address', res),
    consumeTenant: (key, res) => consume(tenant, key, 'tenant', res),
    consumeUser: async (key, res) => {
      if (user) await consume(user, key, 'user', res);
    },
    consumeWebhook: (key, res) => consume(webhook, key, 'webhook', res),
    close: async () => {
      await redis?.quit();
    },
  };
}
