import { faultInjection, parseFaultSpec } from './fault-injection';

describe('parseFaultSpec', () => {
  it.each([
    [undefined, undefined],
    ['errors:0.25', { kind: 'errors', fraction: 0.25 }],
    ['latency:300', { kind: 'latency', ms: 300 }],
    ['latency:300ms', { kind: 'latency', ms: 300 }],
  ])('parses %p', (input, expected) => {
    expect(parseFaultSpec(input)).toEqual(expected);
  });
  it.each(['errors:1.5', 'boom', 'latency:', 'errors:-1'])('refuses %p', (input) => {
    expect(() => parseFaultSpec(input)).toThrow(/FAULT_INJECTION/);
  });
});

describe('faultInjection', () => {
  const fakeRes = () => {
    const res = { statusCode: 200, body: undefined as unknown, status(c: number) { res.statusCode = c; return res; }, json(b: unknown) { res.body = b; return res; } };
    return res;
  };

  it('fails the requests whose draw falls under the fraction, and passes the rest on', () => {
    const draws = [0.1, 0.5, 0.29, 0.3];
    const sut = faultInjection({ kind: 'errors', fraction: 0.3 }, () => draws.shift()!);
    const outcomes = [0, 1, 2, 3].map(() => {
      const res = fakeRes();
      let passed = false;
      sut({} as never, res as never, () => (passed = true));
      return passed ? 'passed' : res.statusCode;
    });
    expect(outcomes).toEqual([500, 'passed', 500, 'passed']);
  });

  it('delays requests by the configured latency', async () => {
    const sut = faultInjection({ kind: 'latency', ms: 50 });
    const started = Date.now();
    await new Promise<void>((resolve) => sut({} as never, fakeRes() as never, () => resolve()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});
