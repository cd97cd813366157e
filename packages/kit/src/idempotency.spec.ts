import { canonicalJson, fingerprint } from './idempotency';

describe('canonicalJson', () => {
  it.each<[string, unknown, string]>([
    ['primitives', { s: 'x', n: 1, b: true, f: false, zero: 0, e: '' }, '{"b":true,"e":"","f":false,"n":1,"s":"x","zero":0}'],
    ['null properties dropped like omitted ones', { a: 1, z: null, n: { y: null } }, '{"a":1,"n":{}}'],
    ['nulls inside arrays kept (position matters)', [1, null], '[1,null]'],
    ['sorted nested keys', { b: { y: 1, x: 2 }, a: [{ d: 1, c: 2 }] }, '{"a":[{"c":2,"d":1}],"b":{"x":2,"y":1}}'],
    ['undefined properties dropped', { a: 1, b: undefined }, '{"a":1}'],
    ['dates as ISO strings', { at: new Date('2026-11-22T10:15:00Z') }, '{"at":"2026-11-22T10:15:00.000Z"}'],
    ['top-level undefined', undefined, 'null'],
    ['array order kept', [3, 1, 2], '[3,1,2]'],
  ])('%s', (_name, value, json) => {
    expect(canonicalJson(value)).toBe(json);
  });

  it('is independent of key insertion order at every depth', () => {
    const a = { contactId: 'c1', amount: { amountMinor: 100, currency: 'GBP' }, tags: [{ k: 1, v: 2 }] };
    const b = { tags: [{ v: 2, k: 1 }], amount: { currency: 'GBP', amountMinor: 100 }, contactId: 'c1' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });
});

describe('fingerprint', () => {
  const input = { contactId: 'c1', amount: { amountMinor: 100, currency: 'GBP' }, receivedAt: '2026-01-01T00:00:00Z', idempotencyKey: 'k1' };

  it('is a sha256 hex digest', () => {
    expect(fingerprint(input)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order', () => {
    const reordered = { idempotencyKey: 'k1', receivedAt: '2026-01-01T00:00:00Z', amount: { currency: 'GBP', amountMinor: 100 }, contactId: 'c1' };
    expect(fingerprint(reordered)).toBe(fingerprint(input));
  });

  it('ignores the idempotency key itself', () => {
    expect(fingerprint({ ...input, idempotencyKey: 'another-key' })).toBe(fingerprint(input));
    const { idempotencyKey: _k, ...withoutKey } = input;
    expect(fingerprint(withoutKey)).toBe(fingerprint(input));
  });

  it('treats a field sent as null like a field left out', () => {
    expect(fingerprint({ ...input, note: null })).toBe(fingerprint(input));
    expect(fingerprint({ ...input, amount: { ...input.amount, fx: null } })).toBe(fingerprint(input));
  });

  it.each<[string, Record<string, unknown>]>([
    ['another amount', { amount: { amountMinor: 101, currency: 'GBP' } }],
    ['another currency', { amount: { amountMinor: 100, currency: 'EUR' } }],
    ['another contact', { contactId: 'c2' }],
    ['a number as a string', { amount: { amountMinor: '100', currency: 'GBP' } }],
    ['an extra field', { note: 'x' }],
    ['null instead of a value', { contactId: null }],
  ])('differs for %s', (_name, change) => {
    expect(fingerprint({ ...input, ...change })).not.toBe(fingerprint(input));
  });
});
