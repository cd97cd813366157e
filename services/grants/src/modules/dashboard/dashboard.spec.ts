import { awardConversionRate, windowDays } from './dashboard';

describe('awardConversionRate', () => {
  it.each([
    [{}, null],
    [{ IN_PROGRESS: 4, SUBMITTED: 2 }, null],
    [{ AWARDED: 1, REJECTED: 1 }, 0.5],
    [{ AWARDED: 1, FULLY_DISBURSED: 1, CLOSED: 1, REJECTED: 1, WITHDRAWN: 5 }, 0.75],
    [{ REJECTED: 3 }, 0],
    [{ AWARDED: 1, REJECTED: 2 }, 0.3333],
  ])('%p → %p (withdrawn and open requests are not decisions)', (counts, rate) => expect(awardConversionRate(counts)).toBe(rate));
});

describe('windowDays', () => {
  it.each([
    [undefined, 30],
    [0, 1],
    [7, 7],
    [1000, 366],
  ])('%p → %p', (v, d) => expect(windowDays(v as number | undefined)).toBe(d));
});
