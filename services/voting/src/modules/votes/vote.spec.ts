import { parseChoice, visibleStatus, voteTerms } from './vote';

const NOW = new Date('2026-12-01T10:00:00Z');
const buildVoteInput = (overrides: Record<string, unknown> = {}) => ({
  title: 'New roof',
  question: 'Replace the roof this spring?',
  closesAt: '2026-12-08T10:00:00Z',
  secretBallot: false,
  weighting: 'OWNERSHIP_SHARE',
  quorumPercent: 50,
  approvalRule: 'SIMPLE_MAJORITY',
  ...overrides,
});
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { extensions?: Record<string, unknown> }).extensions;
  }
  return undefined;
};

describe('voteTerms', () => {
  it('defaults to a yes/no/abstain vote opening now, ballots final', () => {
    expect(voteTerms(buildVoteInput(), NOW)).toMatchObject({
      options: [{ key: 'yes', label: 'Yes' }, { key: 'no', label: 'No' }],
      opensAt: NOW,
      closesAt: new Date('2026-12-08T10:00:00Z'),
      weighting: 'ownership_share',
      quorumBasisPoints: 5000,
      approvalRule: 'simple_majority',
      ballotChangesAllowed: false,
      category: null,
    });
  });

  it('keys named options in order', () => {
    expect(voteTerms(buildVoteInput({ kind: 'OPTIONS', options: ['Slate', 'Tiles', 'Metal'] }), NOW).options).toEqual([
      { key: 'option-1', label: 'Slate' },
      { key: 'option-2', label: 'Tiles' },
      { key: 'option-3', label: 'Metal' },
    ]);
  });

  it.each([
    [{ title: '' }, 'input.title'],
    [{ question: 'x'.repeat(2001) }, 'input.question'],
    [{ category: 'Roof' }, 'input.category'],
    [{ kind: 'RANKED' }, 'input.kind'],
    [{ kind: 'OPTIONS', options: ['Only one'] }, 'input.options'],
    [{ kind: 'OPTIONS', options: ['Slate', 'slate'] }, 'input.options.1'],
    [{ options: ['a', 'b'] }, 'input.options'],
    [{ closesAt: 'tomorrow' }, 'input.closesAt'],
    [{ closesAt: '2026-12-01T09:00:00Z' }, 'input.closesAt'],
    [{ opensAt: '2026-12-09T10:00:00Z' }, 'input.closesAt'],
    [{ opensAt: '2026-11-01T10:00:00Z' }, 'input.opensAt'],
    [{ closesAt: '2028-01-01T00:00:00Z' }, 'input.closesAt'],
    [{ secretBallot: null }, 'input.secretBallot'],
    [{ weighting: 'BY_AREA' }, 'input.weighting'],
    [{ quorumPercent: 120 }, 'input.quorumPercent'],
    [{ approvalRule: 'UNANIMOUS' }, 'input.approvalRule'],
  ])('refuses %j naming %s', (overrides, field) => {
    expect(refusal(() => voteTerms(buildVoteInput(overrides), NOW))).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('ballot choices and visible status', () => {
  const options = [{ key: 'yes', label: 'Yes' }, { key: 'no', label: 'No' }];
  it('takes an option key or abstain, in any case', () => {
    expect(parseChoice('input.choice', options, 'YES')).toBe('yes');
    expect(parseChoice('input.choice', options, 'abstain')).toBe('abstain');
    expect(refusal(() => parseChoice('input.choice', options, 'maybe'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.choice' });
  });

  it.each([
    ['open', '2026-12-01T11:00:00Z', 'scheduled'],
    ['open', '2026-12-01T09:00:00Z', 'open'],
    ['closed', '2026-12-01T09:00:00Z', 'closed'],
    ['cancelled', '2026-12-01T09:00:00Z', 'cancelled'],
  ])('%s opening %s is %s at 10:00', (stored, opensAt, visible) => {
    expect(visibleStatus(stored, new Date(opensAt), new Date('2026-12-02T00:00:00Z'), NOW)).toBe(visible);
  });

  it('is closing once the time is up and the close job has not run', () => {
    expect(visibleStatus('open', new Date('2026-11-30T00:00:00Z'), new Date('2026-12-01T09:59:59Z'), NOW)).toBe('closing');
  });
});
