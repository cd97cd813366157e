import { collectionRateBasisPoints } from './dashboard';

describe('collectionRateBasisPoints', () => {
  it.each([
    [0, 0, null],
    [500, 0, null],
    [0, 1_000, 0],
    [1_000, 1_000, 10_000],
    [999, 1_000, 9_990],
    [1, 3, 3_333],
    [2, 3, 6_667],
    [1_500, 1_000, 15_000],
  ])('collected %p of charged %p → %p', (collected, charged, rate) => expect(collectionRateBasisPoints(collected, charged)).toBe(rate));
});
