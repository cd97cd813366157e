import { AppError } from '@commonhold/kit/domain';
import { checkProbability, checkStageChange, opportunityProgress, type OpportunityStage } from './opportunity';

/** The typed error `fn` throws, or null when it returns. */
function thrown(fn: () => unknown): AppError | null {
  try {
    fn();
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
}

describe('opportunity stage changes', () => {
  it.each<[OpportunityStage, OpportunityStage, string | null, string | null]>([
    ['PROSPECTING', 'CULTIVATION', null, null],
    ['PROSPECTING', 'WON', null, null],
    ['ASK', 'CULTIVATION', null, null],
    ['PLEDGED', 'LOST', 'Trustees declined', null],
    ['PLEDGED', 'LOST', null, 'BAD_USER_INPUT input.lostReason'],
    ['PLEDGED', 'LOST', '   ', 'BAD_USER_INPUT input.lostReason'],
    ['WON', 'ASK', null, 'CONFLICT input.stage'],
    ['LOST', 'WON', null, 'CONFLICT input.stage'],
    ['WON', 'WON', null, null],
  ])('%s → %s (lost reason %p): %p', (from, to, reason, expected) => {
    const err = thrown(() => checkStageChange(from, to, reason));
    expect(err ? `${err.extensions.code} ${err.extensions.field}` : null).toBe(expected);
  });
});

describe('opportunity probability', () => {
  it.each<[unknown, OpportunityStage, number | string]>([
    [null, 'PROSPECTING', 10],
    [null, 'ASK', 50],
    [null, 'WON', 100],
    [null, 'LOST', 0],
    [35, 'ASK', 35],
    [101, 'ASK', 'input.probability'],
    [-1, 'ASK', 'input.probability'],
    [12.5, 'ASK', 'input.probability'],
    [90, 'WON', 'input.probability'],
    [10, 'LOST', 'input.probability'],
  ])('%p at %s → %p', (p, stage, expected) => {
    const err = thrown(() => checkProbability('input.probability', p, stage));
    expect(err ? err.extensions.field : checkProbability('input.probability', p, stage)).toBe(expected);
  });
});

describe('opportunity progress', () => {
  it.each<[number, number, OpportunityStage, number]>([
    [100000, 0, 'PLEDGED', 100000],
    [100000, 40000, 'PLEDGED', 60000],
    [100000, 120000, 'WON', 0],
    [100000, 10000, 'LOST', 0],
  ])('expected %i, received %i, %s → outstanding %i', (expected, received, stage, outstanding) => {
    expect(opportunityProgress(expected, received, stage)).toEqual({ receivedMinor: received, outstandingMinor: outstanding });
  });
});
