import { noShowRate } from './hours';

describe('noShowRate', () => {
  it.each([
    [0, 0, null],
    [3, 1, 0.25],
    [0, 2, 1],
    [5, 0, 0],
  ])('%i completed, %i no-shows → %p', (completed, noShows, rate) => expect(noShowRate(completed, noShows)).toBe(rate));
});
