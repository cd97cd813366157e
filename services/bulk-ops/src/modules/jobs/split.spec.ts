import { splitLargestRemainder } from './split';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `a${String(i + 1).padStart(2, '0')}`);
const split = (amount: number, weights: number[]) => [...splitLargestRemainder(amount, ids(weights.length).map((id, i) => ({ id, weight: weights[i]! }))).values()];

describe('splitLargestRemainder', () => {
  it.each<[string, number, number[], number[]]>([
    ['exact thousandths', 100_000, [500, 300, 200], [50_000, 30_000, 20_000]],
    ['equal split, remainder to the lowest ids on a tie', 100, [1, 1, 1], [34, 33, 33]],
    ['equal split of 2 over 3', 2, [1, 1, 1], [1, 1, 0]],
    ['largest remainder wins over id order', 10, [1, 2, 4], [1, 3, 6]], // exact 1.43, 2.86, 5.71 → floors 1,2,5, one left → a02 (.86)
    ['ownership shares summing to 1000', 123_457, [333, 333, 334], [41_111, 41_111, 41_235]],
    ['zero amount', 0, [700, 300], [0, 0]],
    ['a zero weight gets nothing', 5, [0, 1, 1], [0, 3, 2]],
    ['one apartment takes everything', 999, [250], [999]],
    ['beyond 2^53 in the intermediate product', 9_007_199_254_740_991, [999, 1], [8_998_192_055_486_250, 9_007_199_254_741]],
  ])('%s', (_name, amount, weights, expected) => {
    const out = split(amount, weights);
    expect(out).toEqual(expected);
    expect(out.reduce((s, x) => s + x, 0)).toBe(amount);
  });

  it('is deterministic whatever the order of the input rows', () => {
    const parts = [{ id: 'c', weight: 1 }, { id: 'a', weight: 1 }, { id: 'b', weight: 1 }];
    const a = splitLargestRemainder(100, parts);
    const b = splitLargestRemainder(100, [...parts].reverse());
    expect(Object.fromEntries(a)).toEqual({ a: 34, b: 33, c: 33 });
    expect(Object.fromEntries(b)).toEqual(Object.fromEntries(a));
  });

  it('always sums to the amount (random tables)', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let t = 0; t < 200; t++) {
      const weights = Array.from({ length: 1 + rnd(40) }, () => rnd(1000) + 1);
      const amount = rnd(10_000_000);
      const out = split(amount, weights);
      expect(out.reduce((s, x) => s + x, 0)).toBe(amount);
      const total = weights.reduce((s, w) => s + w, 0);
      out.forEach((x, i) => expect(Math.abs(x - (amount * weights[i]!) / total)).toBeLessThan(1));
    }
  });

  it.each<[string, number, number[]]>([
    ['negative amount', -1, [1]],
    ['fractional amount', 1.5, [1]],
    ['weights summing to zero', 10, [0, 0]],
    ['negative weight', 10, [1, -1]],
  ])('refuses %s', (_n, amount, weights) => expect(() => split(amount, weights)).toThrow(RangeError));
});
