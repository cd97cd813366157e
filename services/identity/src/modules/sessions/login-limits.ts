import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '@commonhold/kit';
import { lockoutSeconds } from './session';

export interface LoginLimitOptions {
  redisUrl?: string;
  keyPrefix: string;
  accountFailures: number;
  ipFailures: number;
}

/** A refusal that carries how long to wait (the route sends it as `Retry-After`). */
export class LoginLimited extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    readonly which: 'account' | 'ip',
  ) {
    super('RATE_LIMITED', which === 'account' ? 'Too many failed sign-ins for this account; try again later' : 'Too many failed sign-ins from this address; try again later', {
      details: { retryAfterSeconds },
    });
  }
}

const WINDOW = 15 * 60;

/**
 * Login abuse limits (NC-503): failed sign-ins counted per account (`tenant:email`) and per client
 * address, in Redis when configured (shared by every replica). An account reaching its limit is
 * locked for 1, 2, 4 … 60 minutes on successive lockouts (counted over a day); an address reaching
 * its limit is refused for 15 minutes. A locked account is refused before its password is checked.
 */
export class LoginLimits {
  private readonly redis?: Redis;
  private readonly accountFails: RateLimiterAbstract;
  private readonly lockouts: RateLimiterAbstract;
  private readonly ipFails: RateLimiterAbstract;

  constructor(private readonly opts: LoginLimitOptions) {
    this.redis = opts.redisUrl ? new Redis(opts.redisUrl, { enableOfflineQueue: true, maxRetriesPerRequest: 2 }) : undefined;
    const make = (name: string, points: number, duration: number, blockDuration = 0): RateLimiterAbstract =>
      this.redis
        ? new RateLimiterRedis({ storeClient: this.redis, keyPrefix: `${opts.keyPrefix}:${name}`, points, duration, blockDuration })
        : new RateLimiterMemory({ keyPrefix: `${opts.keyPrefix}:${name}`, points, duration, blockDuration });
    this.accountFails = make('login-account', opts.accountFailures, WINDOW);
    this.lockouts = make('login-lockouts', 1_000_000, 86_400);
    this.ipFails = make('login-ip', opts.ipFailures, WINDOW, WINDOW);
  }

  get store(): 'redis' | 'memory' {
    return this.redis ? 'redis' : 'memory';
  }

  /** Throws LoginLimited when the address or the account is locked out. */
  async check(account: string, ip: string): Promise<void> {
    const [byIp, byAccount] = await Promise.all([this.ipFails.get(ip), this.accountFails.get(account)]);
    if (byIp && byIp.consumedPoints > this.opts.ipFailures) throw new LoginLimited(Math.ceil(byIp.msBeforeNext / 1000), 'ip');
    if (byAccount && byAccount.consumedPoints > this.opts.accountFailures) throw new LoginLimited(Math.ceil(byAccount.msBeforeNext / 1000), 'account');
  }

  /** Throws LoginLimited when the address is refused (API-key exchange: no account to lock). */
  async checkIp(ip: string): Promise<void> {
    const byIp = await this.ipFails.get(ip);
    if (byIp && byIp.consumedPoints > this.opts.ipFailures) throw new LoginLimited(Math.ceil(byIp.msBeforeNext / 1000), 'ip');
  }

  /** Counts a failure of the address alone. */
  async failedIp(ip: string): Promise<void> {
    await this.ipFails.consume(ip).catch((e: unknown) => {
      if (!(e instanceof RateLimiterRes)) throw e;
    });
  }

  /** Counts a failure; returns the lockout it started, if any. */
  async failed(account: string, ip: string): Promise<{ lockedForSeconds?: number }> {
    await this.ipFails.consume(ip).catch((e: unknown) => {
      if (!(e instanceof RateLimiterRes)) throw e; // the address is now blocked: check() refuses it next time
    });
    let res: RateLimiterRes;
    try {
      res = await this.accountFails.consume(account);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      res = e;
    }
    if (res.consumedPoints < this.opts.accountFailures) return {};
    const n = (await this.lockouts.consume(account).catch((e: unknown) => (e instanceof RateLimiterRes ? e : Promise.reject(e)))).consumedPoints;
    const seconds = lockoutSeconds(n);
    await this.accountFails.block(account, seconds);
    return { lockedForSeconds: seconds };
  }

  /** A successful sign-in clears the account's failures (not its lockout history). */
  async succeeded(account: string): Promise<void> {
    await this.accountFails.delete(account);
  }

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
