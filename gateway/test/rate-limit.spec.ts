// Per-tenant and per-IP budgets with the in-memory store (the embedded default, no Redis).
import type { Response } from 'express';
import { AppError } from '@commonhold/kit';
import { createRateLimits, type RateLimits } from '../src/rate-limit';

/** Just enough of an express Response to see the headers the limiter sets. */
function fakeResponse() {
  const headers: Record<string, string> = {};
  return { headers, res: { setHeader: (k: string, v: string) => void (headers[k] = v) } as unknown as Response };
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('createRateLimits without redisUrl (memory store)', () => {
  let sut: RateLimits;
  beforeEach(() => {
    sut = createRateLimits({ tenantPoints: 3, tenantDurationSeconds: 60, ipPoints: 2, ipDurationSeconds: 60 });
  });
  afterEach(() => sut.close());

  it('uses process memory', () => {
    expect(sut.store).toBe('memory');
  });

  it('lets a tenant spend its budget, then answers RATE_LIMITED (429) with Retry-After', async () => {
    for (let i = 0; i < 3; i++) await expect(sut.consumeTenant('tenant-a')).resolves.toBeUndefined();
    const { headers, res } = fakeResponse();
    const err = await rejection(sut.consumeTenant('tenant-a', res));
    const retryAfter = Number(headers['Retry-After']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(err.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: retryAfter, http: { status: 429 } });
    expect(err.message).toMatch(new RegExp(`Too many requests for this tenant; retry in ${retryAfter}s`));
  });

  it('keeps each tenant\'s budget separate', async () => {
    for (let i = 0; i < 3; i++) await sut.consumeTenant('tenant-a');
    await rejection(sut.consumeTenant('tenant-a'));
    await expect(sut.consumeTenant('tenant-b')).resolves.toBeUndefined();
  });

  it('keeps per-IP and per-tenant budgets separate', async () => {
    await sut.consumeIp('10.0.0.1');
    await sut.consumeIp('10.0.0.1');
    const err = await rejection(sut.consumeIp('10.0.0.1'));
    expect(err.message).toMatch(/for this address/);
    await expect(sut.consumeIp('10.0.0.2')).resolves.toBeUndefined();
    await expect(sut.consumeTenant('10.0.0.1')).resolves.toBeUndefined();
  });

  it('sets no header and throws nothing while within budget', async () => {
    const { headers, res } = fakeResponse();
    await sut.consumeTenant('tenant-c', res);
    expect(headers).toEqual({});
  });

  it('refills the budget after the window', async () => {
    const short = createRateLimits({ tenantPoints: 1, tenantDurationSeconds: 1 });
    try {
      await short.consumeTenant('t');
      const { headers, res } = fakeResponse();
      await rejection(short.consumeTenant('t', res));
      expect(headers['Retry-After']).toBe('1');
      await new Promise((r) => setTimeout(r, 1100));
      await expect(short.consumeTenant('t')).resolves.toBeUndefined();
    } finally {
      await short.close();
    }
  });

  it('has generous defaults', async () => {
    const defaults = createRateLimits({});
    try {
      for (let i = 0; i < 100; i++) await defaults.consumeTenant('busy');
    } finally {
      await defaults.close();
    }
  });
});
